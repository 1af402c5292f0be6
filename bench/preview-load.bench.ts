// preview-load: KAML_BENCH_CLIENTS (50) connections asking for the same warm 100-row preview of
// a Parquet dataset for KAML_BENCH_SECONDS (30), against the real kaml-d backend plugin
// (bench/kaml-backend.ts: `startTestBackend` in a child process, real DuckDB in its sandbox
// processes, file storage, SQLite, mock catalog, permissions ALLOW).
//
// Two runs of the same workload, same machine, same run, a fresh backend each:
//   - baseline: `kamlD.query.previewCache.enabled: false` — every request reads the engine (as
//     the backend did before the preview cache);
//   - KAML-D: the preview cache on (the default).
// Both warm up first (one preview, so DuckDB's file cache holds the Parquet file).
// Printed per run: answered previews/s (HTTP 200; the baseline's queue answers 503 when full),
// requests/s, latency p50 / p99 / max, statuses. Last line:
// `preview-load: <previews/s with the cache / previews/s without>`. Targets: p99 ≤ 250 ms with
// the cache, ratio ≥ 10, 0 errors.
import { DuckDBInstance } from '@duckdb/node-api';
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { out } from './metadata-build.ts';
import { percentile } from './discovery-build.ts';
import { bundleKamlBackend } from './kaml-backend.ts';

const CLIENTS = Number(process.env.KAML_BENCH_CLIENTS ?? 50);
const SECONDS = Number(process.env.KAML_BENCH_SECONDS ?? 30);
const ROWS = Number(process.env.KAML_BENCH_PREVIEW_ROWS ?? 1_000_000);
const dir = join(out, 'preview-load');
const bundle = join(dir, 'backend.cjs');

if (process.argv[2] === '--server') {
  const require = createRequire(import.meta.url);
  const lib = require(bundle);
  const ready = await lib.start(dir, {
    datasets: [{ name: 'readings', format: 'parquet' }],
    query: {
      previewCache: { enabled: process.env.KAML_BENCH_PREVIEW_CACHE === '1' },
    },
  });
  process.send?.({ ready });
} else {
  await main();
}

type Run = {
  requests: number;
  seconds: number;
  latencies: number[];
  statuses: Map<string, number>;
  firstError?: string;
};

async function main() {
  await generate();
  await bundleKamlBackend(dir);
  const baseline = await run(false);
  const cached = await run(true);
  console.log(
    `${CLIENTS} connections, ${SECONDS} s each, GET /api/kaml-d/datasets/default/readings/preview?limit=100 (Parquet, ${ROWS} rows)`,
  );
  print('engine every time (baseline)', baseline);
  print('preview cache (KAML-D)', cached);
  // throughput counts answered previews only: a 503 (queue full) is no preview
  const rps = (r: Run) => (r.statuses.get('200') ?? 0) / r.seconds;
  console.log(
    `previews/s ${rps(cached).toFixed(1)} vs ${rps(baseline).toFixed(
      1,
    )}; p99 ${percentile(cached.latencies, 99).toFixed(1)} ms vs ${percentile(
      baseline.latencies,
      99,
    ).toFixed(1)} ms`,
  );
  console.log(`preview-load: ${(rps(cached) / rps(baseline)).toFixed(2)}`);
  process.exit(0);
}

function print(label: string, r: Run) {
  const ms = (p: number) => `${percentile(r.latencies, p).toFixed(1)} ms`;
  console.log(
    `${label}: ${((r.statuses.get('200') ?? 0) / r.seconds).toFixed(
      1,
    )} previews/s (${(r.requests / r.seconds).toFixed(1)} requests/s), p50 ${ms(
      50,
    )}, p99 ${ms(99)}, max ${Math.max(...r.latencies).toFixed(
      1,
    )} ms; statuses ${[...r.statuses].map(([s, n]) => `${s}×${n}`).join(', ')}${
      r.firstError ? `; first error: ${r.firstError}` : ''
    }`,
  );
}

async function generate() {
  const folder = join(dir, 'storage', 'kaml-datasets', 'readings');
  const file = join(folder, `part-0.parquet`);
  if (existsSync(file)) return;
  mkdirSync(folder, { recursive: true });
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await db.connect();
  const partial = join(dir, 'readings.parquet.partial');
  await connection.run(
    `COPY (SELECT i AS id, TIMESTAMP '2024-01-01' + to_seconds(i) AS ts,
                  'station-' || (i % 997) AS station, (i % 1000) / 7.0 AS value,
                  md5(i::VARCHAR) AS reading_id
           FROM range(${ROWS}) t(i)) TO '${partial}' (FORMAT parquet)`,
  );
  connection.closeSync();
  db.closeSync();
  renameSync(partial, file);
}

async function run(cache: boolean): Promise<Run> {
  const child = fork(new URL(import.meta.url).pathname, ['--server'], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, KAML_BENCH_PREVIEW_CACHE: cache ? '1' : '0' },
  });
  const { port, auth } = await new Promise<{ port: number; auth: string }>(
    (done, fail) => {
      child.once('message', (m: { ready: { port: number; auth: string } }) =>
        done(m.ready),
      );
      child.once('exit', () => fail(new Error('the backend exited')));
    },
  );
  const url = `http://127.0.0.1:${port}/api/kaml-d/datasets/default/readings/preview?limit=100`;
  const ask = () =>
    fetch(url, {
      headers: { authorization: auth },
      signal: AbortSignal.timeout(60_000),
    });
  const warm = await ask();
  if (warm.status !== 200) {
    throw new Error(`warm-up preview: ${warm.status} ${await warm.text()}`);
  }
  const rows = ((await warm.json()) as { rows: unknown[] }).rows.length;
  if (rows !== 100) throw new Error(`warm-up preview returned ${rows} rows`);

  const result: Run = {
    requests: 0,
    seconds: SECONDS,
    latencies: [],
    statuses: new Map(),
  };
  const started = performance.now();
  const end = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        let status: string;
        try {
          const res = await ask();
          const body = await res.text();
          status = String(res.status);
          if (res.status !== 200) result.firstError ??= body.slice(0, 300);
        } catch (error) {
          status = (error as Error).name;
          result.firstError ??= String(error);
        }
        result.latencies.push(performance.now() - t);
        result.statuses.set(status, (result.statuses.get(status) ?? 0) + 1);
        result.requests += 1;
      }
    }),
  );
  result.seconds = (performance.now() - started) / 1000;
  const gone = new Promise(r => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
  return result;
}
