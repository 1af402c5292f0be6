/**
 * Prefix summary over an S3 API: 1,000,000 objects in a scratch bucket of the rig's MinIO, listed
 * through a proxy (bench/s3-delay-proxy.ts, a child process) that adds a network round trip to
 * every request and counts the requests by kind. In the same run, alternating: the backend's
 * parallel summary (`summarizePrefixParallel`: key ranges listed with start-after, 16 in flight,
 * split again at sub-folders when a dataset is big) vs one recursive listing walked page after
 * page (`summarizePrefixSequential`), first at a 0 ms delay (plain loopback), then at the default
 * delay (KAML_BENCH_RTT_MS, 25 ms: a round trip to an object store in the same region). Sizes come
 * from the listings: the run fails unless the proxy saw zero HEAD and zero GET-object requests.
 * Wall time, requests, keys listed (a key listed by two ranges counts twice) and the CPU time of
 * the bench, the proxy and the MinIO server are printed for each run.
 *
 * The bucket (kaml-bench-summary-<objects>) is seeded once (1M tiny PUTs take ~25 min on the
 * shared rig), tagged with its object count and REUSED by later runs; it is kept at the end.
 * KAML_BENCH_DROP_BUCKET=1 removes it after the run. KAML_BENCH_OBJECTS sets a smaller count
 * (another bucket), KAML_BENCH_RUNS the runs per variant and delay (default 2),
 * KAML_BENCH_CONCURRENCY the listings in flight (default 16, the backend's listConcurrency);
 * KAML_BENCH_DELAYS (default `0,<RTT>`) and KAML_BENCH_VARIANTS (default `sequential,parallel`)
 * narrow a run to some delays or one variant (no ratio is printed without both variants).
 * Needs the rig: e2e/rig/rig.sh start minio.
 *
 * Ends with `metadata-prefix-summary-s3: <sequential ms / parallel ms>` at the default delay.
 */
import { Client } from 'minio';
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { loadMetadataLib } from './metadata-build.ts';
import { minioCpuMs, rigEnv } from './rig.ts';
import { dropSummaryBucket, ensureSummaryBucket, summaryBucketShape } from './s3-summary-bucket.ts';

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

function startProxy(target: string): Promise<{ child: ChildProcess; port: number; ask: (message: object) => Promise<ProxyState> }> {
  const child = fork(join(import.meta.dirname, 's3-delay-proxy.ts'), [], { env: { ...process.env, PROXY_TARGET: target } });
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
const direct = new Client({ endPoint: endpoint.hostname, port: Number(endpoint.port), useSSL: false, region: 'us-east-1', accessKey, secretKey, pathStyle: true });

const shape = summaryBucketShape(OBJECTS);
console.log(`bucket ${shape.bucket}: ${shape.objects} objects in ${shape.datasets} datasets (${shape.describe})`);
console.log(await ensureSummaryBucket(direct, shape, 96));

const proxy = await startProxy(endpoint.origin);
try {
  const lib = loadMetadataLib();
  const adapter = new lib.S3StorageAdapter(
    { endPoint: '127.0.0.1', port: proxy.port, useSSL: false, region: 'us-east-1', accessKey, secretKey, pathStyle: true },
    shape.bucket,
  );
  type Summary = Awaited<ReturnType<typeof lib.summarizePrefixSequential>>;
  const variants = {
    sequential: () => lib.summarizePrefixSequential(adapter, shape.bucket, ''),
    parallel: () => lib.summarizePrefixParallel(adapter, shape.bucket, '', CONCURRENCY),
  };
  const timed = async (name: keyof typeof variants, delayMs: number) => {
    await proxy.ask({ delayMs, reset: true });
    const before = await proxy.ask({});
    const started = performance.now();
    const cpu = process.cpuUsage();
    const minio0 = minioCpuMs();
    const value: Summary = await variants[name]();
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const minioMs = minioCpuMs() - minio0;
    const after = await proxy.ask({});
    const c = after.counts;
    const heads = (c['HEAD-object'] ?? 0) + (c['HEAD-bucket'] ?? 0);
    const gets = c['GET-object'] ?? 0;
    if (value.objects !== shape.objects || value.childPrefixes !== shape.datasets)
      throw new Error(`${name} counted ${value.objects} objects in ${value.childPrefixes} datasets, expected ${shape.objects} in ${shape.datasets}`);
    if (heads || gets) throw new Error(`${name} sent ${heads} HEAD and ${gets} GET-object requests`);
    const others = Object.entries(c).filter(([k]) => !['LIST', 'LIST-delimited'].includes(k));
    console.log(
      `  ${String(delayMs).padStart(3)} ms ${name.padEnd(10)} ${(ms / 1000).toFixed(1).padStart(6)} s  ` +
        `${c.LIST ?? 0} LIST + ${c['LIST-delimited'] ?? 0} delimited LIST, ${heads} HEAD, ${gets} GET-object${others.length ? `, other ${JSON.stringify(Object.fromEntries(others))}` : ''}; ` +
        `${after.keysListed} keys listed for ${value.objects} objects, ${value.bytes} bytes, ${value.childPrefixes} datasets; ` +
        `CPU s: bench ${((used.user + used.system) / 1e6).toFixed(1)}, proxy ${((after.cpuMs - before.cpuMs) / 1000).toFixed(1)}, MinIO ${minioMs >= 0 ? (minioMs / 1000).toFixed(1) : 'n/a'}`,
    );
    return { ms, minioMs };
  };

  const ratios: Record<number, number> = {};
  // KAML_BENCH_DELAYS and KAML_BENCH_VARIANTS narrow a run for an experiment; the ratio needs both variants
  const delays = (process.env.KAML_BENCH_DELAYS ?? `0,${RTT_MS}`).split(',').map(Number);
  const chosen = (process.env.KAML_BENCH_VARIANTS ?? 'sequential,parallel').split(',') as Array<keyof typeof variants>;
  if (chosen.some(name => !(name in variants))) throw new Error(`KAML_BENCH_VARIANTS lists ${Object.keys(variants).join(' and ')}, got ${chosen.join(',')}`);
  for (const [d, delayMs] of delays.entries()) {
    console.log(`round trip added by the proxy: ${delayMs} ms (load average ${loadavg().map(x => x.toFixed(1)).join(' ')})`);
    const best = { sequential: Infinity, parallel: Infinity };
    for (let i = 0; i < RUNS; i++) {
      // alternate which goes first, from run to run and from delay to delay (shared machine,
      // MinIO's and the page cache's warmth)
      const order = (i + d) % 2 ? [...chosen].reverse() : chosen;
      for (const name of order) best[name] = Math.min(best[name], (await timed(name, delayMs)).ms);
    }
    if (chosen.length < 2) continue;
    ratios[delayMs] = best.sequential / best.parallel;
    console.log(
      `  best of ${RUNS}: sequential ${(best.sequential / 1000).toFixed(1)} s, parallel ${(best.parallel / 1000).toFixed(1)} s: ${ratios[delayMs].toFixed(2)}× at ${delayMs} ms`,
    );
  }
  console.log(`load average ${loadavg().map(x => x.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  if (0 in ratios) console.log(`metadata-prefix-summary-s3 at 0 ms: ${ratios[0].toFixed(2)}`);
  if (RTT_MS in ratios) console.log(`metadata-prefix-summary-s3: ${ratios[RTT_MS].toFixed(2)}`);
} finally {
  proxy.child.disconnect();
  if (process.env.KAML_BENCH_DROP_BUCKET === '1') {
    await dropSummaryBucket(direct, shape.bucket);
    console.log(`removed bucket ${shape.bucket}`);
  } else {
    console.log(`kept bucket ${shape.bucket} for the next run (KAML_BENCH_DROP_BUCKET=1 removes it)`);
  }
}
