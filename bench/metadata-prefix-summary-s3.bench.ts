/**
 * Prefix summary over an S3 API (the rig's MinIO): the backend's parallel listing (one
 * ListObjectsV2 with delimiter for the datasets, then the keyspace split into ranges of datasets,
 * each listed recursively from its first key with start-after, 16 requests in flight) vs one
 * sequential recursive listing walked page after page (1000 keys a page), in the same run; runs
 * alternate, and the CPU time of the bench and of the MinIO server is printed for each. Sizes come from the listings:
 * zero HEAD requests, zero object reads. Needs the rig: e2e/rig/rig.sh start minio.
 *
 * Seeds DATASETS × PARTS × OBJECTS tiny objects into a scratch bucket and removes it afterwards.
 *
 * Ends with `metadata-prefix-summary-s3: <sequential ms / parallel ms>` (a speed-up).
 */
import { Client } from 'minio';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { loadMetadataLib, root } from './metadata-build.ts';

const DATASETS = Number(process.env.KAML_BENCH_DATASETS ?? 500);
const PARTS = 4;
const OBJECTS = 10;
const bucket = `kaml-bench-${process.pid}`;
const CONCURRENCY = Number(process.env.KAML_BENCH_CONCURRENCY ?? 16);

function rigEnv(name: string): string {
  if (process.env[name]) return String(process.env[name]);
  const file = join(process.env.KAML_RIG_STATE ?? join(root, 'e2e', '.rig'), 'rig.env');
  const line = readFileSync(file, 'utf8').split('\n').find(l => l.startsWith(`export ${name}=`));
  if (!line) throw new Error(`${name} is not in ${file}: start MinIO first (e2e/rig/rig.sh start minio)`);
  return line.slice(`export ${name}=`.length).replace(/^'|'$/g, '');
}

/** CPU time (user + system) of the rig's MinIO server so far, from /proc; -1 when unknown. */
function minioCpuMs(): number {
  try {
    const pid = readFileSync(join(process.env.KAML_RIG_STATE ?? join(root, 'e2e', '.rig'), 'pids', 'minio.pid'), 'utf8').trim();
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, 100 ticks a second
  } catch {
    return -1;
  }
}

const endpoint = new URL(rigEnv('KAML_RIG_S3_ENDPOINT'));
const accessKey = rigEnv('KAML_RIG_S3_ACCESS_KEY');
const secretKey = rigEnv('KAML_RIG_S3_SECRET_KEY');
const client = new Client({ endPoint: endpoint.hostname, port: Number(endpoint.port), useSSL: false, accessKey, secretKey, pathStyle: true });

await client.makeBucket(bucket);
try {
  const keys: string[] = [];
  for (let d = 0; d < DATASETS; d++)
    for (let p = 0; p < PARTS; p++)
      for (let o = 0; o < OBJECTS; o++) keys.push(`ds-${d}/part-${p}/obj-${o}.csv`);
  const seeded = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < keys.length) {
        const key = keys[next++];
        await client.putObject(bucket, key, Buffer.from(`a,b\n${key.length}\n`));
      }
    }),
  );
  console.log(`seeded ${keys.length} objects in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  const lib = loadMetadataLib();
  const adapter = new lib.S3StorageAdapter(
    { endPoint: endpoint.hostname, port: Number(endpoint.port), useSSL: false, region: 'us-east-1', accessKey, secretKey, pathStyle: true },
    bucket,
  );
  await lib.summarizePrefixSequential(adapter, bucket, '');
  // alternate the variants (shared machine), best wall time of 3 each, with the CPU time the
  // bench process and the MinIO server spent on that run
  type Summary = { objects: number; bytes: number; childPrefixes: number; listCalls: number };
  const timed = async (fn: () => Promise<Summary>) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const minio0 = minioCpuMs();
    const value = await fn();
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, minioMs: minioCpuMs() - minio0, value };
  };
  const runs: Record<'sequential' | 'parallel', Array<Awaited<ReturnType<typeof timed>>>> = { sequential: [], parallel: [] };
  for (let i = 0; i < 3; i++) {
    runs.sequential.push(await timed(() => lib.summarizePrefixSequential(adapter, bucket, '')));
    runs.parallel.push(await timed(() => lib.summarizePrefixParallel(adapter, bucket, '', CONCURRENCY)));
  }
  const best = (list: typeof runs.sequential) => list.reduce((a, b) => (b.ms < a.ms ? b : a));
  const sequential = best(runs.sequential);
  const parallel = best(runs.parallel);
  for (const [name, r] of [['sequential', sequential], ['parallel', parallel]] as const) {
    if (r.value.objects !== keys.length || r.value.childPrefixes !== DATASETS) {
      throw new Error(`${name} counted ${r.value.objects} objects in ${r.value.childPrefixes} datasets, expected ${keys.length} in ${DATASETS}`);
    }
    console.log(
      `${name.padEnd(10)} ${r.ms.toFixed(0).padStart(6)} ms  ${r.value.objects} objects, ${r.value.bytes} bytes, ${r.value.childPrefixes} datasets, ${name === 'sequential' ? Math.ceil(keys.length / 1000) : r.value.listCalls} listing requests, 0 HEAD requests; CPU: bench ${r.cpuMs.toFixed(0)} ms, MinIO ${r.minioMs >= 0 ? `${r.minioMs.toFixed(0)} ms` : 'n/a'}`,
    );
  }
  console.log(`load average ${loadavg().map(x => x.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  console.log(`metadata-prefix-summary-s3: ${(sequential.ms / parallel.ms).toFixed(2)}`);
} finally {
  const all: string[] = [];
  for await (const item of client.listObjectsV2(bucket, '', true)) if (item.name) all.push(item.name);
  for (let i = 0; i < all.length; i += 1000) await client.removeObjects(bucket, all.slice(i, i + 1000));
  await client.removeBucket(bucket);
}
