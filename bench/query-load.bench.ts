// query-load: 20 concurrent heavy SQL queries against the KAML-D backend plugin, with a readiness
// poller, for 60 s; does the backend stay responsive and within memory?
//
// The backend runs in a child process: the real kaml-d backend plugin (bundled from
// plugins/kaml-d-backend/src) started by Backstage's `startTestBackend` (real HTTP server, root
// health service, SQLite, file storage, the real DuckDB engine; catalog with one Dataset entity,
// permissions ALLOW). The child measures its own event loop (`monitorEventLoopDelay`, 10 ms
// resolution) and RSS; this process drives it over HTTP:
//   - baseline: 10 s idle, only the readiness poller (GET /.backstage/health/v1/readiness every
//     100 ms) — event-loop lag and probe latency of an idle backend, same run, same machine;
//   - load: KAML_BENCH_CLIENTS (20) clients in a loop POST /api/kaml-d/query for
//     KAML_BENCH_SECONDS (60), each cycling through heavy statements: one 1 GB value
//     (`repeat('x', 1e9)`, the issue's statement), a 3.2 GB list (`len(range(4e8))`, memory
//     DuckDB's memory_limit does not count), a 100 MB result (1000 rows of 100 kB), and a
//     window function over a 200,000-row CSV dataset; the poller keeps running.
// DuckDB runs in sandbox processes of the backend; RSS is that of the backend process and its
// sandbox processes together.
// Printed: event-loop lag p99 / max, readiness latency p99 / max, RSS max of the backend, HTTP
// statuses per statement, crashes (the backend process exiting, or killed by the bench's
// watchdog when its RSS passes KAML_BENCH_RSS_CAP_GB, default 6, so the shared machine survives).
// Last line: `query-load: <lag p99 under load / lag p99 idle>`. Targets: lag p99 ≤ 50 ms,
// RSS ≤ 1.5 GB, 0 crashes.
import { DuckDBInstance } from '@duckdb/node-api';
import { fork } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { out } from './metadata-build.ts';
import { percentile } from './discovery-build.ts';
import { bundleKamlBackend, childrenOf, rssOf } from './kaml-backend.ts';

const CLIENTS = Number(process.env.KAML_BENCH_CLIENTS ?? 20);
const SECONDS = Number(process.env.KAML_BENCH_SECONDS ?? 60);
const IDLE_SECONDS = 10;
const RSS_CAP = Number(process.env.KAML_BENCH_RSS_CAP_GB ?? 6) * 1024 ** 3;
const dir = join(out, 'query-load');
const bundle = join(dir, 'backend.cjs');

// KAML_BENCH_ONLY=<label substring>: only the statements whose label contains it (to see which
// statement costs what)
const ALL_STATEMENTS: Array<[string, string]> = [
  ['1 GB value', "SELECT repeat('x', 1000000000) AS s"],
  // a list DuckDB builds outside its memory_limit: 3.2 GB (it took the backend to 19 GB RSS when
  // DuckDB ran in the backend process)
  ['3 GB list', 'SELECT len(range(400000000)) AS n'],
  ['100 MB result', "SELECT i, repeat('x', 100000) AS s FROM range(1000) t(i)"],
  [
    'window over dataset',
    'SELECT id, region, sum(amount) OVER (PARTITION BY region ORDER BY id) AS running FROM "events" ORDER BY id LIMIT 1000',
  ],
];
const STATEMENTS = ALL_STATEMENTS.filter(([label]) =>
  label.includes(process.env.KAML_BENCH_ONLY ?? ''),
);

type Report = {
  lagP99: number;
  lagMax: number;
  lagMean: number;
  rssMax: number;
};
type FromChild = { ready: { port: number; auth: string } } | { report: Report };

// ---------------------------------------------------------------- child: the backend
if (process.argv[2] === '--server') {
  const require = createRequire(import.meta.url);
  const lib = require(bundle);
  const { port, auth } = await lib.start(dir, {
    datasets: [{ name: 'events', format: 'csv' }],
  });
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let rssMax = 0;
  setInterval(() => {
    rssMax = Math.max(rssMax, process.memoryUsage.rss());
  }, 100).unref();
  process.on('message', (message: string) => {
    if (message === 'exit') process.exit(0);
    if (message !== 'report') return;
    rssMax = Math.max(rssMax, process.memoryUsage.rss());
    const report: Report = {
      lagP99: lag.percentile(99) / 1e6,
      lagMax: lag.max / 1e6,
      lagMean: lag.mean / 1e6,
      rssMax,
    };
    lag.reset();
    rssMax = 0;
    process.send?.({ report });
  });
  process.send?.({ ready: { port, auth } });
} else {
  await main();
}

// ---------------------------------------------------------------- parent: the load
async function main() {
  mkdirSync(join(dir, 'storage', 'kaml-datasets', 'events'), {
    recursive: true,
  });
  const csv = join(dir, 'storage', 'kaml-datasets', 'events', 'part-0.csv');
  if (!existsSync(csv)) {
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    await connection.run(
      `COPY (SELECT i AS id, 'region-' || (i % 13) AS region, (i % 1000) / 10.0 AS amount,
                    md5(i::VARCHAR) AS note FROM range(200000) t(i)) TO '${csv}' (HEADER)`,
    );
    connection.closeSync();
    db.closeSync();
  }
  await bundleKamlBackend(dir);

  let crashes = 0;
  let crashNote = '';
  const profile = process.env.KAML_BENCH_CPU_PROF;
  const child = fork(new URL(import.meta.url).pathname, ['--server'], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    // KAML_BENCH_CPU_PROF=<folder>: a V8 CPU profile of the backend (written when it exits)
    execArgv: profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
  });
  let exited = false;
  child.on('exit', (code, signal) => {
    exited = true;
    if (!stopping) {
      crashes++;
      crashNote ||= `backend exited (code ${code}, signal ${signal})`;
    }
  });
  let stopping = false;
  const { port, auth } = await new Promise<{ port: number; auth: string }>(
    (done, fail) => {
      child.once('message', (m: FromChild) =>
        'ready' in m ? done(m.ready) : fail(new Error('no ready')),
      );
      child.once('exit', () =>
        fail(new Error('backend exited before it was ready')),
      );
    },
  );
  const base = `http://127.0.0.1:${port}`;

  // watchdog: the machine is shared, a runaway backend is killed (and counted as a crash)
  let watchedMax = 0;
  let sandboxMax = 0;
  const watchdog = setInterval(() => {
    // the backend process and its DuckDB sandbox processes
    const sandboxes = childrenOf(child.pid).reduce(
      (sum, pid) => sum + rssOf(pid),
      0,
    );
    const rss = rssOf(child.pid) + sandboxes;
    watchedMax = Math.max(watchedMax, rss);
    sandboxMax = Math.max(sandboxMax, sandboxes);
    if (rss > RSS_CAP && !exited) {
      crashNote ||= `backend killed by the watchdog at ${(
        rss /
        1024 ** 3
      ).toFixed(2)} GB RSS`;
      child.kill('SIGKILL');
    }
  }, 50);

  const report = () =>
    new Promise<Report | undefined>(done => {
      if (exited) return done(undefined);
      const onMessage = (m: FromChild) => {
        if ('report' in m) {
          child.off('message', onMessage);
          done(m.report);
        }
      };
      child.on('message', onMessage);
      child.send('report');
    });

  // readiness poller
  const probes: number[] = [];
  let probeFailures = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const started = performance.now();
      try {
        const res = await fetch(`${base}/.backstage/health/v1/readiness`, {
          signal: AbortSignal.timeout(30_000),
        });
        await res.arrayBuffer();
        if (res.status !== 200) probeFailures++;
      } catch {
        probeFailures++;
        if (exited) break;
      }
      probes.push(performance.now() - started);
      await new Promise(r => setTimeout(r, 100));
    }
  })();

  // baseline: idle
  await report(); // drop start-up samples
  await new Promise(r => setTimeout(r, IDLE_SECONDS * 1000));
  const idle = await report();
  const idleProbes = probes.splice(0);

  // load
  const statuses = new Map<string, Map<string, number>>();
  const count = (label: string, status: string) => {
    const m = statuses.get(label) ?? new Map<string, number>();
    m.set(status, (m.get(status) ?? 0) + 1);
    statuses.set(label, m);
  };
  let bytes = 0;
  const messages = new Map<string, string>();
  const end = Date.now() + SECONDS * 1000;
  const clients = Array.from({ length: CLIENTS }, async (_, c) => {
    for (let i = c; Date.now() < end && !exited; i++) {
      const [label, sql] = STATEMENTS[i % STATEMENTS.length];
      try {
        const res = await fetch(`${base}/api/kaml-d/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth },
          body: JSON.stringify({ sql }),
          signal: AbortSignal.timeout(180_000),
        });
        if (res.status === 200) {
          // drain without keeping the body: the client's memory is not the backend's
          for await (const chunk of res.body ?? [])
            bytes += (chunk as Uint8Array).byteLength;
        } else {
          const text = await res.text();
          if (!messages.has(`${label} ${res.status}`)) {
            messages.set(`${label} ${res.status}`, text.slice(0, 300));
          }
        }
        count(label, String(res.status));
        if (res.status === 429) {
          const wait = Number(res.headers.get('retry-after') ?? 1);
          await new Promise(r => setTimeout(r, Math.min(wait, 5) * 1000));
        }
      } catch (error) {
        count(
          label,
          (error as Error).name === 'TimeoutError'
            ? 'client timeout'
            : 'connection error',
        );
      }
    }
  });
  await Promise.all(clients);
  const loaded = await report();
  polling = false;
  await poller;
  const loadProbes = probes.splice(0);
  clearInterval(watchdog);
  stopping = true;
  if (!exited) {
    const gone = new Promise(r => child.once('exit', r));
    // the profile is written on a normal exit only
    if (profile) child.send('exit');
    else child.kill('SIGTERM');
    await gone;
  }

  const ms = (v: number | undefined) =>
    v === undefined ? 'n/a' : `${v.toFixed(1)} ms`;
  const gb = (v: number) => `${(v / 1024 ** 3).toFixed(2)} GB`;
  console.log(
    `clients ${CLIENTS}, ${SECONDS} s of load, statements: ${STATEMENTS.map(
      s => s[0],
    ).join(', ')}`,
  );
  console.log(
    `idle:  event-loop lag p99 ${ms(idle?.lagP99)}, max ${ms(
      idle?.lagMax,
    )}; readiness p99 ${ms(percentile(idleProbes, 99))}, max ${ms(
      Math.max(...idleProbes),
    )}; RSS max ${idle ? gb(idle.rssMax) : 'n/a'}`,
  );
  console.log(
    `load:  event-loop lag p99 ${ms(loaded?.lagP99)}, max ${ms(
      loaded?.lagMax,
    )}, mean ${ms(loaded?.lagMean)}; readiness p99 ${ms(
      percentile(loadProbes, 99),
    )}, max ${ms(loadProbes.length ? Math.max(...loadProbes) : undefined)} (${
      loadProbes.length
    } probes, ${probeFailures} failed)`,
  );
  console.log(
    `backend RSS max ${gb(
      Math.max(watchedMax, loaded?.rssMax ?? 0),
    )}, the backend process and its DuckDB sandbox processes together (backend process alone ${gb(
      loaded?.rssMax ?? 0,
    )}, sandboxes at most ${gb(sandboxMax)} together; watchdog cap ${gb(
      RSS_CAP,
    )})`,
  );
  for (const [label, m] of statuses) {
    console.log(
      `  ${label.padEnd(20)} ${[...m].map(([s, n]) => `${s}×${n}`).join(', ')}`,
    );
  }
  for (const [key, text] of messages) console.log(`  first ${key}: ${text}`);
  console.log(`response bytes received ${(bytes / 1024 ** 2).toFixed(0)} MiB`);
  console.log(`crashes ${crashes}${crashNote ? ` (${crashNote})` : ''}`);
  const ratio = loaded && idle ? loaded.lagP99 / idle.lagP99 : Infinity;
  console.log(`query-load: ${ratio.toFixed(2)}`);
  process.exit(0);
}
