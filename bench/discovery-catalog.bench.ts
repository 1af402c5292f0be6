/**
 * Dataset discovery end to end, against the limit the catalog sets: DATASETS dataset folders
 * holding OBJECTS_PER_DATASET small CSV objects each (file storage adapter) until all DATASETS
 * Dataset entities are stitched in a real Backstage catalog. Whatever emits a Dataset, the
 * catalog processes and stitches it; discovery can only add to that work. So the figure is
 * **discovery's own share of the catalog process's CPU**, measured in the same run: a V8 CPU
 * profile of the catalog backend (bench/lib/cpu-profile.ts) charges each sample whose stack
 * enters KAML-D's code (the provider's scan and emit, the KAML-D processors, the library they
 * call) to KAML-D, over the span from `backend.start()` to the last Dataset stitched; the limit
 * is the catalog's own processing per entity (the process's CPU per Dataset). Goal ≤ 5 %.
 * Also printed: datasets stitched per second (goal: 100,000 in ≤ 10 min on PostgreSQL) and the
 * event-loop delay of the catalog process (monitorEventLoopDelay; goal p99 ≤ 50 ms throughout,
 * i.e. in every 10-s window).
 *
 * Each run is a fresh backend in its own child process (bench/lib/discovery-catalog-child.ts)
 * on a scratch database of the rig's PostgreSQL (`KAML_RIG_PG_URL`) or a fresh SQLite folder
 * under bench/.out (KAML_BENCH_DATABASES=sqlite,postgres; default postgres when the rig's URL is
 * set, else sqlite). Catalog settings are the defaults a production install runs with
 * (processing interval 100–150 s, deferred stitching polled every second, 10 entities in flight).
 *
 * - kaml-d: `catalog.providers.kamlD.objectStore` on `s3://kaml-bench/` of a `file` store, its
 *   default schedule with `initialDelay: 0`.
 * - locations (reference, KAML_BENCH_MODES=kaml-d,locations): one static `catalog.locations`
 *   file entry per dataset holding the entity the provider emits; glob: one Location over all.
 *
 * Usage: node bench/discovery-catalog.bench.ts [datasets] (default 10000; KAML_BENCH_DATASETS
 * too). KAML_BENCH_CPU_PROF=<folder> keeps the profiles there (default bench/.out/…).
 * Ends with `discovery-catalog: <KAML-D CPU ÷ catalog CPU>` of the first database (goal ≤ 0.05).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { profileShares } from './lib/cpu-profile.ts';
import {
  OBJECTS,
  buildBundle,
  bundle,
  generate,
  paths,
  type Mode,
  type RunResult,
} from './lib/discovery-catalog-data.ts';

const LAG_GOAL_MS = 50;
const SHARE_GOAL = 0.05;
const TARGET = { datasets: 100_000, seconds: 600 };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address ? address.port : 0),
      );
    });
  });
}

/** Runs one mode in a child process (with a CPU profile) and returns its figures and the profile. */
async function run(
  mode: Mode,
  datasets: number,
  dbLabel: string,
): Promise<RunResult & { profile: string }> {
  const { base } = paths(datasets);
  const resultFile = join(base, `result-${mode}-${dbLabel}.json`);
  const logFile = join(base, `backend-${mode}-${dbLabel}.log`);
  const profileDir = process.env.KAML_BENCH_CPU_PROF ?? join(base, 'profiles');
  const profileName = `${mode}-${dbLabel}-${datasets}.cpuprofile`;
  mkdirSync(profileDir, { recursive: true });
  rmSync(resultFile, { force: true });
  rmSync(join(profileDir, profileName), { force: true });
  const port = await freePort();
  const childFile = join(
    import.meta.dirname,
    'lib',
    'discovery-catalog-child.ts',
  );
  const code = await new Promise<number | null>(resolve => {
    const proc = spawn(
      process.execPath,
      [
        '--cpu-prof',
        `--cpu-prof-dir=${profileDir}`,
        `--cpu-prof-name=${profileName}`,
        childFile,
        mode,
        String(datasets),
        dbLabel,
        String(port),
        resultFile,
        logFile,
      ],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
    proc.on('exit', resolve);
  });
  if (code !== 0 || !existsSync(resultFile))
    throw new Error(
      `${mode} run on ${dbLabel} failed (exit ${code}); see ${logFile}`,
    );
  return {
    ...JSON.parse(readFileSync(resultFile, 'utf8')),
    profile: join(profileDir, profileName),
  };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

function describe(r: RunResult) {
  const scan = r.scan
    ? `; provider scan started at ${s(r.scan.startMs - r.callStartMs)}, took ${
        r.scan.refreshMs
      } ms`
    : '';
  const worst = r.lag.windows.reduce((a, w) => (w.p99 > a.p99 ? w : a), {
    at: 0,
    p99: 0,
    max: 0,
  });
  return (
    `${r.mode.padEnd(9)} ${s(r.doneMs - r.callStartMs).padStart(
      8,
    )} from backend.start() to the last Dataset stitched (backend.start() took ${s(
      r.startedMs - r.callStartMs,
    )}${scan}), ` +
    `CPU ${s(r.cpuMs)} over that span, ${(
      (r.datasets / (r.doneMs - r.callStartMs)) *
      1000
    ).toFixed(0)} datasets/s, ${r.locations} Location entities; ` +
    `event-loop delay p50 ${r.lag.p50.toFixed(1)} ms, p99 ${r.lag.p99.toFixed(
      1,
    )} ms, max ${r.lag.max.toFixed(
      0,
    )} ms, worst 10-s window p99 ${worst.p99.toFixed(
      1,
    )} ms at ${worst.at.toFixed(0)} s ` +
    `(goal ≤ ${LAG_GOAL_MS} ms throughout: ${verdict(
      worst.p99 <= LAG_GOAL_MS && r.lag.p99 <= LAG_GOAL_MS,
    )})`
  );
}

/** Discovery's share of the catalog's CPU in the kaml-d run; returns the ratio. */
function shares(r: RunResult & { profile: string }): number {
  const p = profileShares(r.profile, bundle, r.startedUs, r.doneUs);
  const perEntity = (ms: number) =>
    `${((ms * 1000) / r.datasets).toFixed(0)} µs`;
  const share = p.kamlDMs / p.busyMs;
  const cpuPer = (fraction: number) => perEntity(fraction * r.cpuMs);
  console.log(
    `  limit: the catalog's own processing of a Dataset, ${perEntity(
      r.cpuMs,
    )} of process CPU (${s(r.cpuMs)} over the span; ${s(
      r.cpuTotalMs,
    )} with start-up), ` +
      `${s(p.busyMs)} of non-idle profile samples on its main thread (${pct(
        p.gcMs / p.busyMs,
      )} of them garbage collection)${
        p.windowed
          ? ''
          : ' [profile clock did not match: whole profile counted]'
      }`,
  );
  const part = (name: keyof typeof p.byPart) =>
    `${pct(p.byPart[name] / p.busyMs)} ≈ ${cpuPer(p.byPart[name] / p.busyMs)}`;
  console.log(
    `  KAML-D's own code: ${pct(share)} of the catalog's samples ≈ ${cpuPer(
      share,
    )} of CPU a Dataset (goal ≤ ${pct(SHARE_GOAL)}: ${verdict(
      share <= SHARE_GOAL,
    )}) — ` +
      `provider scan + emit ${part('provider')}, processors ${part(
        'processors',
      )}, library called back asynchronously ${part('kaml-d library')}`,
  );
  console.log(
    `  calls into KAML-D that took most: ${p.top
      .map(f => `${f.frame} ${pct(f.ms / p.busyMs)}`)
      .join(', ')}`,
  );
  return share;
}

async function main() {
  const datasets = Number(
    process.argv[2] ?? process.env.KAML_BENCH_DATASETS ?? 10_000,
  );
  if (!Number.isInteger(datasets) || datasets <= 0)
    throw new Error(
      `datasets must be a positive whole number, got ${process.argv[2]}`,
    );
  buildBundle();
  await generate(datasets);
  console.log(
    `${datasets} datasets, ${
      datasets * OBJECTS
    } objects (${OBJECTS} CSV objects a dataset), file storage adapter; load average before: ${loadavg()
      .map(x => x.toFixed(1))
      .join(' ')}`,
  );
  const databases = (
    process.env.KAML_BENCH_DATABASES ??
    (process.env.KAML_RIG_PG_URL ? 'postgres' : 'sqlite')
  ).split(',');
  const modes = new Set((process.env.KAML_BENCH_MODES ?? 'kaml-d').split(','));
  if (!modes.has('kaml-d'))
    throw new Error('KAML_BENCH_MODES must include kaml-d');
  let ratio = NaN;
  for (const db of databases) {
    console.log(`--- ${db}`);
    const k = await run('kaml-d', datasets, db);
    console.log(describe(k));
    const share = shares(k);
    const stitchS = (k.doneMs - k.callStartMs) / 1000;
    const projected = (stitchS * TARGET.datasets) / datasets;
    console.log(
      `  ${datasets} Datasets stitched in ${stitchS.toFixed(1)} s: ${(
        datasets / stitchS
      ).toFixed(0)} a second` +
        (datasets >= TARGET.datasets
          ? ` (goal ${TARGET.datasets} ≤ ${TARGET.seconds} s: ${verdict(
              stitchS <= TARGET.seconds,
            )})`
          : `; ${
              TARGET.datasets
            } at that rate (a linear extrapolation, not a measurement): ${projected.toFixed(
              0,
            )} s (goal ≤ ${TARGET.seconds} s)`),
    );
    for (const mode of ['locations', 'glob'] as const) {
      if (!modes.has(mode)) continue;
      const r = await run(mode, datasets, db);
      console.log(describe(r));
      console.log(
        `  reference: ${mode} / kaml-d wall ${(
          (r.doneMs - r.callStartMs) /
          (k.doneMs - k.callStartMs)
        ).toFixed(2)}, CPU ${(r.cpuMs / k.cpuMs).toFixed(2)}`,
      );
      if (mode === 'locations') {
        const same = JSON.stringify(k.sample) === JSON.stringify(r.sample);
        console.log(
          `  ds-0 stitched by kaml-d and by its Location: ${
            same
              ? 'same spec, relations and kaml-d.io figures'
              : `DIFFERENT\n  kaml-d:    ${JSON.stringify(
                  k.sample,
                )}\n  locations: ${JSON.stringify(r.sample)}`
          }`,
        );
      }
    }
    if (Number.isNaN(ratio)) ratio = share;
  }
  console.log(
    `load average after: ${loadavg()
      .map(x => x.toFixed(1))
      .join(' ')}`,
  );
  console.log(`discovery-catalog: ${ratio.toFixed(3)}`);
}

await main();
