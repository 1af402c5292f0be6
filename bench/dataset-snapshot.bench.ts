/**
 * Copy-mode snapshot of a 10,000-object dataset on the rig's MinIO against the limit the store
 * sets: the backend's Snapshots service (list the dataset, then one server-side CopyObject per
 * object into a snapshot prefix, `kamlD.snapshots.copyConcurrency` in flight, then the manifest
 * rows) vs **the store's own server-side-copy throughput**, measured in the same run: a raw loop
 * with no KAML-D code (one ListObjectsV2 walk of the same prefix through the minio client, then
 * CopyObject of every key, the same number in flight, into another prefix of the same bucket).
 * Both go through the same counting HTTP proxy in front of the same MinIO (bench/lib/counting-proxy.ts),
 * so requests, bytes on the wire and MinIO's CPU time are measured, not estimated. Rounds
 * alternate raw copy and snapshot (KAML_BENCH_ROUNDS, default 2; best wall time of each counts).
 *
 * Also printed, for reference: version-ids mode on a versioned bucket (one ListObjectVersions
 * walk); the naive GET+PUT copy through the backend (16 in flight) that the older target was
 * set against (KAML_BENCH_NAIVE=0 leaves it out); with KAML_BENCH_MIX=1 a second dataset of
 * 16–128 KiB objects, raw copy vs snapshot. KAML_BENCH_COPY_CONCURRENCY=64,16,128 measures
 * other widths (raw and snapshot at each; the first counts); KAML_BENCH_OBJECTS,
 * KAML_BENCH_OBJECT_BYTES size the dataset. Buckets are scratch ones, removed at the end.
 * Needs the rig: e2e/rig/rig.sh start minio.
 *
 * Ends with `dataset-snapshot: <snapshot objects/s ÷ raw CopyObject objects/s>` (goal ≥ 0.9).
 */
import { Client, CopyDestinationOptions, CopySourceOptions } from 'minio';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { rigEnv } from './rig.ts';
import { mb, startCountingProxy, type Figures } from './lib/counting-proxy.ts';
import {
  MIX_KIB,
  csv,
  dropBucket,
  inParallel,
  mixBytes,
  readingKeys,
  seed,
  shardKeys,
} from './lib/snapshot-buckets.ts';
import { loadSnapshotLib } from './lib/snapshot-lib.ts';
import {
  createBenchSnapshots,
  type BenchDataset,
} from './lib/snapshot-service.ts';

const OBJECTS = Number(process.env.KAML_BENCH_OBJECTS ?? 10_000);
const OBJECT_BYTES = Number(process.env.KAML_BENCH_OBJECT_BYTES ?? 4096);
const ROUNDS = Number(process.env.KAML_BENCH_ROUNDS ?? 2);
const MIX = process.env.KAML_BENCH_MIX === '1';
const NAIVE = process.env.KAML_BENCH_NAIVE !== '0';
/** Requests in flight of the naive copy (which holds each object in the backend's memory). */
const NAIVE_CONCURRENCY = 16;
const GOAL = 0.9;

const endpoint = new URL(rigEnv('KAML_RIG_S3_ENDPOINT'));
const accessKey = rigEnv('KAML_RIG_S3_ACCESS_KEY');
const secretKey = rigEnv('KAML_RIG_S3_SECRET_KEY');
const clientOf = (endPoint: string, port: number) =>
  new Client({
    endPoint,
    port,
    useSSL: false,
    region: 'us-east-1',
    accessKey,
    secretKey,
    pathStyle: true,
  });
const direct = clientOf(endpoint.hostname, Number(endpoint.port));
const proxy = await startCountingProxy(endpoint);
const viaProxy = clientOf('127.0.0.1', proxy.port);

const plain: BenchDataset = {
  bucket: `kaml-bench-snap-c-${process.pid}`,
  name: 'readings-c',
  folder: 'readings/',
  format: 'csv',
};
const versioned: BenchDataset = {
  bucket: `kaml-bench-snap-v-${process.pid}`,
  name: 'readings-v',
  folder: 'readings/',
  format: 'csv',
};
const mixed: BenchDataset = {
  bucket: `kaml-bench-snap-m-${process.pid}`,
  name: 'shards-m',
  folder: 'shards/',
  format: 'parquet',
};
const keys = readingKeys(OBJECTS);
const loadNow = () =>
  `${loadavg()
    .map(l => l.toFixed(2))
    .join(' ')} (${new Date().toISOString()})`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const best = (list: Figures[]) => list.reduce((a, b) => (b.ms < a.ms ? b : a));

/** The limit: a ListObjectsV2 walk and CopyObject of every key, `width` in flight, no KAML-D code. */
async function rawCopy(
  d: BenchDataset,
  width: number,
  label: string,
  round: number,
): Promise<Figures> {
  proxy.reset();
  const started = performance.now();
  const listed: string[] = [];
  for await (const item of viaProxy.listObjectsV2(d.bucket, d.folder, true))
    if (item.name) listed.push(item.name);
  await inParallel(listed, width, async key => {
    await viaProxy.copyObject(
      new CopySourceOptions({ Bucket: d.bucket, Object: key }),
      new CopyDestinationOptions({
        Bucket: d.bucket,
        Object: `raw-copy-${width}-${round}/${key}`,
      }),
    );
  });
  const figures = proxy.report(label, performance.now() - started);
  if (listed.length !== OBJECTS)
    throw new Error(
      `raw copy listed ${listed.length} objects, expected ${OBJECTS}`,
    );
  return figures;
}

/** The older baseline: GET every object through the client and PUT it under another prefix. */
async function naiveCopy(d: BenchDataset, label: string): Promise<Figures> {
  proxy.reset();
  const started = performance.now();
  const listed: string[] = [];
  for await (const item of viaProxy.listObjectsV2(d.bucket, d.folder, true))
    if (item.name) listed.push(item.name);
  await inParallel(listed, NAIVE_CONCURRENCY, async key => {
    const chunks: Buffer[] = [];
    for await (const chunk of await viaProxy.getObject(d.bucket, key))
      chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    await viaProxy.putObject(
      d.bucket,
      `naive-snapshot/${key}`,
      body,
      body.length,
    );
  });
  return proxy.report(label, performance.now() - started);
}

function versus(name: string, snap: Figures, limit: Figures): number {
  const ratio = limit.ms / snap.ms;
  const perObject = (ms: number) => `${((ms * 1000) / OBJECTS).toFixed(0)} µs`;
  console.log(
    `${name}: snapshot ${(OBJECTS / (snap.ms / 1000)).toFixed(
      0,
    )} objects/s (${s(snap.ms)}, ${snap.requests} requests, ${mb(
      snap.bytes,
    )} MB) ÷ ` +
      `limit ${(OBJECTS / (limit.ms / 1000)).toFixed(
        0,
      )} objects/s (raw CopyObject loop ${s(limit.ms)}, ${
        limit.requests
      } requests, ${mb(limit.bytes)} MB) = ` +
      `${ratio.toFixed(2)} (goal ≥ ${GOAL}: ${
        ratio >= GOAL ? 'met' : 'MISSED'
      }); MinIO CPU ${perObject(snap.minioCpuMs)} vs ${perObject(
        limit.minioCpuMs,
      )} an object, ` +
      `client + proxy CPU ${perObject(snap.benchCpuMs)} vs ${perObject(
        limit.benchCpuMs,
      )} an object`,
  );
  return ratio;
}

const buckets = [plain, versioned, ...(MIX ? [mixed] : [])];
try {
  console.log(`load average at start: ${loadNow()}`);
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1)
    throw new Error(
      `KAML_BENCH_ROUNDS must be a whole number ≥ 1, got ${process.env.KAML_BENCH_ROUNDS}`,
    );
  for (const d of buckets) await direct.makeBucket(d.bucket);
  await direct.setBucketVersioning(versioned.bucket, { Status: 'Enabled' });
  await seed(direct, [plain.bucket, versioned.bucket], keys, i =>
    csv(i, OBJECT_BYTES),
  );
  console.log(`  (${OBJECTS} CSV objects of ${OBJECT_BYTES} bytes)`);
  if (MIX) {
    await seed(direct, [mixed.bucket], shardKeys(keys), i =>
      randomBytes(mixBytes(i)),
    );
    console.log(`  (${OBJECTS} objects of ${MIX_KIB.join('/')} KiB in turn)`);
  }
  const lib = loadSnapshotLib();
  const widths = (process.env.KAML_BENCH_COPY_CONCURRENCY ?? '')
    .split(',')
    .filter(Boolean)
    .map(Number);
  if (widths.length === 0) widths.push(lib.DEFAULT_SNAPSHOT_COPY_CONCURRENCY);
  if (widths.some(w => !Number.isInteger(w) || w < 1))
    throw new Error(
      `KAML_BENCH_COPY_CONCURRENCY must list whole numbers, got ${process.env.KAML_BENCH_COPY_CONCURRENCY}`,
    );
  const snapshots = await createBenchSnapshots(
    lib,
    { port: proxy.port, accessKey, secretKey },
    buckets,
  );
  const take = async (
    d: BenchDataset,
    expected: string,
    width: number,
    label: string,
  ) => {
    proxy.reset();
    const started = performance.now();
    const snap = await snapshots.take(d.name, width);
    const figures = proxy.report(label, performance.now() - started);
    if (snap.method !== expected || snap.objectCount !== OBJECTS)
      throw new Error(
        `snapshot of ${d.bucket} was ${snap.method} with ${snap.objectCount} objects, expected ${expected} with ${OBJECTS}`,
      );
    return figures;
  };

  const results: Array<{ width: number; ratio: number }> = [];
  for (const width of widths) {
    const raw: Figures[] = [];
    const snap: Figures[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // alternate which goes first, so a load change during the run favours neither
      const pair = [
        async () =>
          raw.push(
            await rawCopy(
              plain,
              width,
              `raw CopyObject loop (${width} in flight, round ${round})`,
              round,
            ),
          ),
        async () =>
          snap.push(
            await take(
              plain,
              'copy',
              width,
              `Snapshots service (copy, ${width} in flight, round ${round})`,
            ),
          ),
      ];
      for (const step of round % 2 ? pair : pair.reverse()) await step();
    }
    results.push({
      width,
      ratio: versus(
        `copy at ${width} in flight, best of ${ROUNDS}`,
        best(snap),
        best(raw),
      ),
    });
  }
  const versionIds = await take(
    versioned,
    'version-ids',
    widths[0],
    'Snapshots service (version-ids)',
  );
  if (NAIVE) {
    const naive = await naiveCopy(
      plain,
      `naive GET+PUT copy (${NAIVE_CONCURRENCY} in flight)`,
    );
    console.log(
      `reference: naive GET+PUT ${s(naive.ms)} (${mb(
        naive.bytes,
      )} MB on the wire, ${mb(
        naive.objectBytes,
      )} MB of object data); version-ids ${s(versionIds.ms)} (${mb(
        versionIds.bytes,
      )} MB)`,
    );
  }
  if (MIX) {
    const raw = await rawCopy(
      mixed,
      widths[0],
      `mix: raw CopyObject loop (${widths[0]} in flight)`,
      1,
    );
    const snap = await take(
      mixed,
      'copy',
      widths[0],
      `mix: Snapshots service (copy, ${widths[0]} in flight)`,
    );
    versus(
      `mix of ${MIX_KIB.join('/')} KiB objects at ${widths[0]} in flight`,
      snap,
      raw,
    );
  }
  await snapshots.close();
  console.log(`load average at end: ${loadNow()}`);
  console.log(
    `limit: the store's own server-side copy (ListObjectsV2 + CopyObject loop at ${widths[0]} in flight, same MinIO, same proxy)`,
  );
  console.log(`dataset-snapshot: ${results[0].ratio.toFixed(2)}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  const extra = (process.env.KAML_BENCH_DROP ?? '').split(',').filter(Boolean);
  for (const bucket of [...buckets.map(d => d.bucket), ...extra])
    await dropBucket(direct, bucket).catch(error =>
      console.error(`could not remove ${bucket}: ${error}`),
    );
  proxy.close();
}
