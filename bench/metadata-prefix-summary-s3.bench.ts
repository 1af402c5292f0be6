/**
 * Prefix summary over an S3 API against what the store can list: OBJECTS (default 1,000,000)
 * tiny objects in a scratch bucket of the rig's MinIO, listed through a proxy
 * (bench/s3-delay-proxy.ts, a child process) that adds a network round trip to every request and
 * counts requests by kind and the keys listed. In the same run, alternating:
 * - the backend's parallel summary (`summarizePrefixParallel`: key ranges listed with
 *   start-after, 16 in flight, split again at sub-folders when a dataset is big), and its
 *   sequential one (`summarizePrefixSequential`, one recursive listing) for reference;
 * - the limit (bench/lib/raw-listing.ts): raw ListObjectsV2 loops through the minio client with
 *   no processing — one recursive listing page after page, and the sorted key set cut into 16
 *   equal ranges listed at once (an oracle's split, which no real client knows in advance).
 * first at a 0 ms delay (plain loopback), then at the default delay (KAML_BENCH_RTT_MS, 25 ms: a
 * round trip to an object store in the same region). The limit at a delay is the faster raw
 * loop; ratio = parallel summary throughput ÷ limit throughput (= limit ms / summary ms), goal
 * ≥ 0.9. The run fails on any HEAD or GET-object request and on a wrong count. Wall time,
 * requests, keys listed and CPU of the bench, the proxy and MinIO are printed per run.
 *
 * The bucket (kaml-bench-summary-<objects>) is seeded once (1M tiny PUTs take 13–35 min on the
 * shared rig), tagged with its object count and REUSED by later runs; it is kept at the end.
 * KAML_BENCH_DROP_BUCKET=1 removes it after the run. KAML_BENCH_OBJECTS sets another count
 * (another bucket), KAML_BENCH_RUNS the runs per variant and delay (default 2),
 * KAML_BENCH_CONCURRENCY the listings in flight (default 16, the backend's listConcurrency);
 * KAML_BENCH_DELAYS (default `0,<RTT>`) and KAML_BENCH_VARIANTS (default
 * `sequential,parallel,raw-sequential,raw-parallel`) narrow a run (no ratio without `parallel`
 * and a raw variant). Needs the rig: e2e/rig/rig.sh start minio.
 *
 * Ends with `metadata-prefix-summary-s3: <parallel summary ÷ raw listing throughput>` at the
 * default delay.
 */
import { Client } from 'minio';
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { loadMetadataLib } from './metadata-build.ts';
import { minioCpuMs, rigEnv } from './rig.ts';
import {
  dropSummaryBucket,
  ensureSummaryBucket,
  summaryBucketShape,
} from './s3-summary-bucket.ts';
import { rawParallel, rawSequential } from './lib/raw-listing.ts';

const OBJECTS = Number(process.env.KAML_BENCH_OBJECTS ?? 1_000_000);
const RTT_MS = Number(process.env.KAML_BENCH_RTT_MS ?? 25);
const RUNS = Number(process.env.KAML_BENCH_RUNS ?? 2);
const CONCURRENCY = Number(process.env.KAML_BENCH_CONCURRENCY ?? 16);

interface ProxyState {
  counts: Record<string, number>;
  keysListed: number;
  delayMs: number;
  cpuMs: number;
}

function startProxy(
  target: string,
): Promise<{
  child: ChildProcess;
  port: number;
  ask: (message: object) => Promise<ProxyState>;
}> {
  const child = fork(join(import.meta.dirname, 's3-delay-proxy.ts'), [], {
    env: { ...process.env, PROXY_TARGET: target },
  });
  const replies: Array<(state: ProxyState) => void> = [];
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (message: ProxyState & { port?: number }) => {
      if (message.port !== undefined) {
        resolve({
          child,
          port: message.port,
          ask: (question: object) =>
            new Promise<ProxyState>(answer => {
              replies.push(answer);
              child.send(question);
            }),
        });
      } else replies.shift()?.(message);
    });
  });
}

const endpoint = new URL(rigEnv('KAML_RIG_S3_ENDPOINT'));
const accessKey = rigEnv('KAML_RIG_S3_ACCESS_KEY');
const secretKey = rigEnv('KAML_RIG_S3_SECRET_KEY');
const direct = new Client({
  endPoint: endpoint.hostname,
  port: Number(endpoint.port),
  useSSL: false,
  region: 'us-east-1',
  accessKey,
  secretKey,
  pathStyle: true,
});

const shape = summaryBucketShape(OBJECTS);
console.log(
  `bucket ${shape.bucket}: ${shape.objects} objects in ${shape.datasets} datasets (${shape.describe})`,
);
console.log(await ensureSummaryBucket(direct, shape, 96));

const sortedKeys = Array.from(shape.keys(), k => k.key).sort();
const proxy = await startProxy(endpoint.origin);
try {
  const lib = loadMetadataLib();
  const adapter = new lib.S3StorageAdapter(
    {
      endPoint: '127.0.0.1',
      port: proxy.port,
      useSSL: false,
      region: 'us-east-1',
      accessKey,
      secretKey,
      pathStyle: true,
    },
    shape.bucket,
  );
  const raw = new Client({
    endPoint: '127.0.0.1',
    port: proxy.port,
    useSSL: false,
    region: 'us-east-1',
    accessKey,
    secretKey,
    pathStyle: true,
  });
  type Counted = { objects: number; childPrefixes: number; bytes?: number };
  const asCounted = async (
    listing: Promise<{ keys: number }>,
  ): Promise<Counted> => ({
    objects: (await listing).keys,
    childPrefixes: shape.datasets,
  });
  const variants: Record<string, () => Promise<Counted>> = {
    sequential: () => lib.summarizePrefixSequential(adapter, shape.bucket, ''),
    parallel: () =>
      lib.summarizePrefixParallel(adapter, shape.bucket, '', CONCURRENCY),
    'raw-sequential': () => asCounted(rawSequential(raw, shape.bucket)),
    'raw-parallel': () =>
      asCounted(rawParallel(raw, shape.bucket, sortedKeys, CONCURRENCY)),
  };
  const timed = async (name: keyof typeof variants, delayMs: number) => {
    await proxy.ask({ delayMs, reset: true });
    const before = await proxy.ask({});
    const started = performance.now();
    const cpu = process.cpuUsage();
    const minio0 = minioCpuMs();
    const value = await variants[name]();
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const minioMs = minioCpuMs() - minio0;
    const after = await proxy.ask({});
    const c = after.counts;
    const heads = (c['HEAD-object'] ?? 0) + (c['HEAD-bucket'] ?? 0);
    const gets = c['GET-object'] ?? 0;
    if (
      value.objects !== shape.objects ||
      value.childPrefixes !== shape.datasets
    )
      throw new Error(
        `${name} counted ${value.objects} objects in ${value.childPrefixes} datasets, expected ${shape.objects} in ${shape.datasets}`,
      );
    if (heads || gets)
      throw new Error(
        `${name} sent ${heads} HEAD and ${gets} GET-object requests`,
      );
    const others = Object.entries(c).filter(
      ([k]) => !['LIST', 'LIST-delimited'].includes(k),
    );
    console.log(
      `  ${String(delayMs).padStart(3)} ms ${name.padEnd(14)} ${(ms / 1000)
        .toFixed(1)
        .padStart(6)} s  ` +
        `${c.LIST ?? 0} LIST + ${
          c['LIST-delimited'] ?? 0
        } delimited LIST, ${heads} HEAD, ${gets} GET-object${
          others.length
            ? `, other ${JSON.stringify(Object.fromEntries(others))}`
            : ''
        }; ` +
        `${after.keysListed} keys listed for ${value.objects} objects${
          value.bytes === undefined
            ? ' (raw: keys counted only)'
            : `, ${value.bytes} bytes, ${value.childPrefixes} datasets`
        }; ` +
        `CPU s: bench ${((used.user + used.system) / 1e6).toFixed(1)}, proxy ${(
          (after.cpuMs - before.cpuMs) /
          1000
        ).toFixed(1)}, MinIO ${
          minioMs >= 0 ? (minioMs / 1000).toFixed(1) : 'n/a'
        }`,
    );
    return { ms, minioMs };
  };

  const ratios: Record<number, number> = {};
  // KAML_BENCH_DELAYS and KAML_BENCH_VARIANTS narrow a run for an experiment
  const delays = (process.env.KAML_BENCH_DELAYS ?? `0,${RTT_MS}`)
    .split(',')
    .map(Number);
  const chosen = (
    process.env.KAML_BENCH_VARIANTS ?? Object.keys(variants).join(',')
  ).split(',');
  if (chosen.some(name => !(name in variants)))
    throw new Error(
      `KAML_BENCH_VARIANTS lists ${Object.keys(variants).join(
        ', ',
      )}, got ${chosen.join(',')}`,
    );
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const rate = (ms: number) =>
    `${((shape.objects / ms) * 1000).toFixed(0)} keys/s`;
  for (const [d, delayMs] of delays.entries()) {
    console.log(
      `round trip added by the proxy: ${delayMs} ms (load average ${loadavg()
        .map(x => x.toFixed(1))
        .join(' ')})`,
    );
    const best: Record<string, number> = Object.fromEntries(
      chosen.map(name => [name, Infinity]),
    );
    for (let i = 0; i < RUNS; i++) {
      // alternate which goes first, from run to run and from delay to delay (shared machine,
      // MinIO's and the page cache's warmth)
      const order = (i + d) % 2 ? [...chosen].reverse() : chosen;
      for (const name of order)
        best[name] = Math.min(best[name], (await timed(name, delayMs)).ms);
    }
    const limit = Math.min(
      best['raw-sequential'] ?? Infinity,
      best['raw-parallel'] ?? Infinity,
    );
    const figures = chosen
      .map(name => `${name} ${s(best[name])} (${rate(best[name])})`)
      .join(', ');
    console.log(`  best of ${RUNS} at ${delayMs} ms: ${figures}`);
    if (best.sequential && best.parallel && Number.isFinite(best.sequential))
      console.log(
        `  reference: sequential summary / parallel summary ${(
          best.sequential / best.parallel
        ).toFixed(2)}×`,
      );
    if (!Number.isFinite(limit) || !Number.isFinite(best.parallel ?? Infinity))
      continue;
    ratios[delayMs] = limit / best.parallel;
    console.log(
      `  limit at ${delayMs} ms: what the store can list, ${rate(limit)} (${
        limit === best['raw-parallel'] ? 'raw parallel' : 'raw sequential'
      } ListObjectsV2 loop, ${s(limit)}); ` +
        `parallel summary ${rate(best.parallel)} (${s(
          best.parallel,
        )}): ${ratios[delayMs].toFixed(2)} of the limit (goal ≥ 0.9: ${
          ratios[delayMs] >= 0.9 ? 'met' : 'MISSED'
        })`,
    );
  }
  console.log(
    `load average ${loadavg()
      .map(x => x.toFixed(1))
      .join(' ')} on ${cpus().length} cores`,
  );
  if (0 in ratios && delays.length > 1)
    console.log(`metadata-prefix-summary-s3 at 0 ms: ${ratios[0].toFixed(2)}`);
  if (RTT_MS in ratios)
    console.log(`metadata-prefix-summary-s3: ${ratios[RTT_MS].toFixed(2)}`);
  else if (delays[0] in ratios)
    console.log(`metadata-prefix-summary-s3: ${ratios[delays[0]].toFixed(2)}`);
} finally {
  proxy.child.disconnect();
  if (process.env.KAML_BENCH_DROP_BUCKET === '1') {
    await dropSummaryBucket(direct, shape.bucket);
    console.log(`removed bucket ${shape.bucket}`);
  } else {
    console.log(
      `kept bucket ${shape.bucket} for the next run (KAML_BENCH_DROP_BUCKET=1 removes it)`,
    );
  }
}
