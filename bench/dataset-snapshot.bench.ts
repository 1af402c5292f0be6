/**
 * Snapshot of a 10,000-object dataset on the rig's MinIO: the backend's Snapshots service
 * (server-side CopyObject into a snapshot prefix on a bucket without versioning; version ids from
 * the version listing on a versioned bucket) vs a naive copy that GETs every object through the
 * backend and PUTs it back under a snapshot prefix, in the same run. The naive copy keeps 16
 * requests in flight (it buffers each object in the backend); the service's server-side copies
 * run at its `kamlD.snapshots.copyConcurrency` (default DEFAULT_SNAPSHOT_COPY_CONCURRENCY;
 * KAML_BENCH_COPY_CONCURRENCY=16,32,64,128 measures copy mode at each width, the first being the
 * one the final ratio uses). Every request of the backend goes through a counting HTTP proxy in
 * front of MinIO, so bytes (request and response, headers and bodies) and requests are measured
 * on the wire, not estimated. Needs the rig: e2e/rig/rig.sh start minio.
 *
 * Seeds OBJECTS small CSV objects (OBJECT_BYTES each) into two scratch buckets (one versioned)
 * directly, then removes both buckets with every version. With KAML_BENCH_MIX=1 it also measures
 * naive vs copy mode on a third bucket of OBJECTS objects in a mix of sizes (MIX_KIB, incompressible
 * bytes, like image files and Parquet shards), printed after the 4 KiB figures; the final line
 * stays the 4 KiB one.
 *
 * KAML_BENCH_ROUNDS=n alternates n rounds of the naive copy and copy mode at the first width and
 * counts the best wall time of each.
 *
 * Per mode it prints wall time, requests by kind, bytes on the wire (headers, bodies and listing
 * XML, both ways) and object-data bytes through the backend (GetObject and PutObject bodies).
 * Ends with `dataset-snapshot: <naive ms / slower snapshot mode ms>` (a speed-up, target ≥ 5);
 * the byte ratios (target ≥ 10) are printed above it.
 */
import { Client } from 'minio';
import { buildSync } from 'esbuild';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { minioCpuMs, rigEnv } from './rig.ts';

const OBJECTS = Number(process.env.KAML_BENCH_OBJECTS ?? 10_000);
const OBJECT_BYTES = Number(process.env.KAML_BENCH_OBJECT_BYTES ?? 4096);
/** Requests in flight of the naive copy (which holds each object in the backend's memory). */
const NAIVE_CONCURRENCY = 16;
/** Sizes of the second dataset, in KiB, taken in turn (mean 64 KiB). */
const MIX_KIB = [16, 32, 48, 64, 96, 128];
const MIX = process.env.KAML_BENCH_MIX === '1';
/**
 * Rounds of naive copy and copy mode at the first width, alternating (the best wall time of each
 * counts), so that a load change during the run does not favour whichever is measured first.
 */
const ROUNDS = Number(process.env.KAML_BENCH_ROUNDS ?? 1);
const root = resolve(import.meta.dirname, '..');
const out = join(root, 'bench', '.out');

// ---- the backend's services, bundled from TypeScript like the other metadata benches
interface Lib {
  ConfigReader: new (data: unknown) => unknown;
  knex: (config: unknown) => { destroy(): Promise<void> };
  applyDatabaseMigrations(db: unknown): Promise<void>;
  createAuditLogService(options: { db: unknown }): unknown;
  readStorageConfig(config: unknown): unknown;
  createStorageService(options: unknown): unknown;
  createLinkSigner(secret: () => Promise<Buffer>): unknown;
  createQueryEngineService(options: unknown): unknown;
  readQueryConfig(config: unknown): unknown;
  DEFAULT_SNAPSHOT_COPY_CONCURRENCY: number;
  createSnapshotsService(options: unknown): {
    create(
      ref: unknown,
      request: { message: string },
      credentials: unknown,
    ): Promise<{ method: string; objectCount: number; totalBytes: number }>;
  };
  S3StorageAdapter: new (config: unknown) => {
    listRecursive(
      bucket: string,
      prefix: string,
    ): AsyncIterable<{ key: string; size: number }>;
  };
}

function loadLib(): Lib {
  mkdirSync(out, { recursive: true });
  const src = join(root, 'plugins', 'kaml-d-backend', 'src');
  const entry = join(out, 'snapshot-entry.ts');
  writeFileSync(
    entry,
    [
      `export { ConfigReader } from '@backstage/config';`,
      `export { default as knex } from 'knex';`,
      `export { applyDatabaseMigrations } from ${JSON.stringify(
        join(src, 'database', 'migrations'),
      )};`,
      `export { createAuditLogService } from ${JSON.stringify(
        join(src, 'services', 'Audit'),
      )};`,
      `export { createStorageService, readStorageConfig, createLinkSigner, S3StorageAdapter } from ${JSON.stringify(
        join(src, 'services', 'Storage'),
      )};`,
      `export { createQueryEngineService, readQueryConfig } from ${JSON.stringify(
        join(src, 'services', 'QueryEngine'),
      )};`,
      `export { createSnapshotsService, DEFAULT_SNAPSHOT_COPY_CONCURRENCY } from ${JSON.stringify(
        join(src, 'services', 'Snapshots'),
      )};`,
    ].join('\n'),
  );
  const bundle = join(out, 'snapshot-lib.cjs');
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outfile: bundle,
    external: [
      'minio',
      'presto-client',
      '@duckdb/*',
      '@backstage/*',
      'knex',
      'better-sqlite3',
      'zod',
      'busboy',
      'yaml',
    ],
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(bundle) as Lib;
}

// ---- counting proxy: every byte and request between the backend and MinIO
const endpoint = new URL(rigEnv('KAML_RIG_S3_ENDPOINT'));
const accessKey = rigEnv('KAML_RIG_S3_ACCESS_KEY');
const secretKey = rigEnv('KAML_RIG_S3_SECRET_KEY');

interface Counters {
  requests: Record<string, number>;
  bytesUp: number;
  bytesDown: number;
  objectBytes: number;
  /** MinIO's CPU time and this process's (the backend's side) when the counters were reset. */
  minioCpuAt: number;
  benchCpuAt: NodeJS.CpuUsage;
}
let counters: Counters;
function resetCounters() {
  counters = {
    requests: {},
    bytesUp: 0,
    bytesDown: 0,
    objectBytes: 0,
    minioCpuAt: minioCpuMs(),
    benchCpuAt: process.cpuUsage(),
  };
}
resetCounters();

function kindOf(req: http.IncomingMessage): string {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET' && url.searchParams.has('versions'))
    return 'ListObjectVersions';
  if (req.method === 'GET' && url.searchParams.get('list-type') === '2')
    return 'ListObjectsV2';
  if (req.method === 'GET' && url.searchParams.has('versioning'))
    return 'GetBucketVersioning';
  if (req.method === 'GET' && url.searchParams.has('location'))
    return 'GetBucketLocation';
  if (req.method === 'GET') return 'GetObject';
  if (req.method === 'HEAD') return 'HeadObject';
  if (req.method === 'PUT' && req.headers['x-amz-copy-source'])
    return 'CopyObject';
  if (req.method === 'PUT') return 'PutObject';
  if (req.method === 'POST' && url.searchParams.has('delete'))
    return 'DeleteObjects';
  return `${req.method}`;
}

function headerBytes(raw: string[]): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2)
    n += raw[i].length + raw[i + 1].length + 4;
  return n;
}

// no cap of its own: the widths measured are the backend's
const upstream = new http.Agent({ keepAlive: true, maxSockets: 1024 });
const proxy = http.createServer((req, res) => {
  const kind = kindOf(req);
  counters.requests[kind] = (counters.requests[kind] ?? 0) + 1;
  counters.bytesUp +=
    `${req.method} ${req.url} HTTP/1.1\r\n`.length +
    headerBytes(req.rawHeaders) +
    2;
  const forward = http.request(
    {
      host: endpoint.hostname,
      port: Number(endpoint.port),
      method: req.method,
      path: req.url,
      headers: req.headers,
      agent: upstream,
    },
    answer => {
      counters.bytesDown +=
        'HTTP/1.1 200 OK\r\n'.length + headerBytes(answer.rawHeaders) + 2;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on('data', (chunk: Buffer) => {
        counters.bytesDown += chunk.length;
        if (kind === 'GetObject') counters.objectBytes += chunk.length;
      });
      answer.pipe(res);
    },
  );
  forward.on('error', error => res.destroy(error));
  req.on('data', (chunk: Buffer) => {
    counters.bytesUp += chunk.length;
    if (kind === 'PutObject') counters.objectBytes += chunk.length;
  });
  req.pipe(forward);
});
await new Promise<void>(done => proxy.listen(0, '127.0.0.1', done));
const proxyPort = (proxy.address() as AddressInfo).port;

// ---- scratch buckets, seeded directly (not through the proxy)
const direct = new Client({
  endPoint: endpoint.hostname,
  port: Number(endpoint.port),
  useSSL: false,
  accessKey,
  secretKey,
  pathStyle: true,
});
const viaProxy = new Client({
  endPoint: '127.0.0.1',
  port: proxyPort,
  useSSL: false,
  accessKey,
  secretKey,
  pathStyle: true,
});
const plain = `kaml-bench-snap-c-${process.pid}`;
const versioned = `kaml-bench-snap-v-${process.pid}`;
const mixed = `kaml-bench-snap-m-${process.pid}`;

function csv(i: number): Buffer {
  const header = 'id,station,reading,note\n';
  let body = header;
  let row = 0;
  while (body.length < OBJECT_BYTES)
    body += `${i * 1000 + row++},${i % 97},${(row * 1.37).toFixed(2)},sample\n`;
  return Buffer.from(body.slice(0, OBJECT_BYTES));
}

async function inParallel<T>(
  items: T[],
  width: number,
  fn: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function dropBucket(bucket: string) {
  if (!(await direct.bucketExists(bucket))) return;
  // again until empty: a listing of versions may end before every delete marker was seen
  for (let round = 0; round < 5; round++) {
    if ((await deleteEverything(bucket)) === 0) break;
  }
  await direct.removeBucket(bucket);
}

/** Deletes every object version and delete marker listed; returns how many there were. */
async function deleteEverything(bucket: string): Promise<number> {
  const entries: Array<{ name: string; versionId?: string }> = [];
  // the client's own version stream sends its next key marker unescaped (refused past 1000 versions)
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await direct.listObjectsQuery(bucket, '', '', {
      Delimiter: '',
      MaxKeys: 1000,
      IncludeVersion: true,
      ...(keyMarker ? { keyMarker: encodeURIComponent(keyMarker) } : {}),
      ...(versionIdMarker
        ? { versionIdMarker: encodeURIComponent(versionIdMarker) }
        : {}),
    });
    for (const item of page.objects as Array<{
      name?: string;
      versionId?: string;
    }>) {
      if (item.name)
        entries.push({
          name: item.name,
          versionId: item.versionId ?? undefined,
        });
    }
    if (!page.isTruncated || !page.keyMarker) break;
    keyMarker = decodeURIComponent(page.keyMarker);
    versionIdMarker = page.versionIdMarker
      ? decodeURIComponent(page.versionIdMarker)
      : undefined;
  }
  for (let i = 0; i < entries.length; i += 1000)
    await direct.removeObjects(bucket, entries.slice(i, i + 1000));
  return entries.length;
}

interface Figures {
  ms: number;
  requests: number;
  /** Bytes on the wire, both ways: request lines, headers, bodies, listing XML. */
  bytes: number;
  /** Object bodies through the backend (GetObject responses, PutObject requests). */
  objectBytes: number;
  /** CPU time MinIO spent serving the mode (-1 when its pid is unknown). */
  minioCpuMs: number;
  /** CPU time of this process: the backend's side plus the counting proxy. */
  benchCpuMs: number;
}

const mb = (n: number) => (n / 1e6).toFixed(2);

function report(name: string, ms: number, c: Counters): Figures {
  const minioMs = c.minioCpuAt < 0 ? -1 : minioCpuMs() - c.minioCpuAt;
  const bench = process.cpuUsage(c.benchCpuAt);
  const benchMs = (bench.user + bench.system) / 1000;
  const requests = Object.values(c.requests).reduce((a, b) => a + b, 0);
  const detail = Object.entries(c.requests)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  console.log(
    `${name.padEnd(34)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${requests
      .toString()
      .padStart(6)} requests (${detail})  ` +
      `${mb(c.bytesUp + c.bytesDown)} MB on the wire, ${mb(
        c.objectBytes,
      )} MB of object data through the backend; CPU s: MinIO ${
        minioMs < 0 ? 'n/a' : (minioMs / 1000).toFixed(1)
      }, backend + proxy ${(benchMs / 1000).toFixed(1)}`,
  );
  return {
    ms,
    requests,
    bytes: c.bytesUp + c.bytesDown,
    objectBytes: c.objectBytes,
    minioCpuMs: minioMs,
    benchCpuMs: benchMs,
  };
}

function ratios(name: string, m: Figures, base: Figures) {
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const dataRatio =
    m.objectBytes === 0 ? Infinity : base.objectBytes / m.objectBytes;
  const wireRatio = base.bytes / m.bytes;
  const speedUp = base.ms / m.ms;
  console.log(
    `${name}: object data through the backend ${m.objectBytes} vs ${
      base.objectBytes
    } bytes (${
      dataRatio === Infinity ? 'none moved' : `${dataRatio.toFixed(1)}× fewer`
    }; ≥ 10× fewer: ${verdict(dataRatio >= 10)}), ` +
      `on the wire ${mb(m.bytes)} vs ${mb(base.bytes)} MB (${wireRatio.toFixed(
        1,
      )}× fewer; ≥ 10×: ${verdict(wireRatio >= 10)}), ` +
      `${m.requests} vs ${base.requests} requests (${(
        base.requests / m.requests
      ).toFixed(1)}× fewer), ` +
      `${(m.ms / 1000).toFixed(2)} vs ${(base.ms / 1000).toFixed(
        2,
      )} s (${speedUp.toFixed(1)}× faster; ≥ 5×: ${verdict(speedUp >= 5)})`,
  );
  if (m.minioCpuMs > 0 && base.minioCpuMs > 0) {
    // when MinIO's CPU is the bottleneck, no client can be faster than the ratio of its CPU times
    console.log(
      `  ${name}: MinIO CPU ${(m.minioCpuMs / 1000).toFixed(1)} vs ${(
        base.minioCpuMs / 1000
      ).toFixed(1)} s (${(base.minioCpuMs / m.minioCpuMs).toFixed(
        1,
      )}× less: the speed-up MinIO's own work allows), ${(
        (m.minioCpuMs * 1000) /
        OBJECTS
      ).toFixed(0)} vs ${((base.minioCpuMs * 1000) / OBJECTS).toFixed(
        0,
      )} µs of MinIO CPU per object; backend + proxy CPU ${(
        m.benchCpuMs / 1000
      ).toFixed(1)} vs ${(base.benchCpuMs / 1000).toFixed(1)} s`,
    );
  }
}

function printLoad(when: string) {
  console.log(
    `load average ${when}: ${loadavg()
      .map(l => l.toFixed(2))
      .join(' ')} (${new Date().toISOString()})`,
  );
}

const keys = Array.from(
  { length: OBJECTS },
  (_, i) =>
    `readings/part-${String(Math.floor(i / 1000)).padStart(
      2,
      '0',
    )}/obj-${String(i).padStart(5, '0')}.csv`,
);
const mixKeys = keys.map((key, i) =>
  key
    .replace('readings/', 'shards/')
    .replace(/\.csv$/, i % 2 ? '.jpg' : '.parquet'),
);
const mixBytes = (i: number) => MIX_KIB[i % MIX_KIB.length] * 1024;

async function seed(
  buckets: string[],
  keyList: string[],
  bodyOf: (i: number) => Buffer,
) {
  const seeded = performance.now();
  await inParallel(
    keyList.map((key, i) => ({ key, i })),
    64,
    async ({ key, i }) => {
      const body = bodyOf(i);
      for (const bucket of buckets)
        await direct.putObject(bucket, key, body, body.length);
    },
  );
  console.log(
    `seeded ${keyList.length} objects into ${buckets.join(' and ')} in ${(
      (performance.now() - seeded) /
      1000
    ).toFixed(1)} s`,
  );
}

try {
  printLoad('at start');
  await direct.makeBucket(plain);
  await direct.makeBucket(versioned);
  await direct.setBucketVersioning(versioned, { Status: 'Enabled' });
  await seed([plain, versioned], keys, csv);
  console.log(`  (${OBJECTS} CSV objects of ${OBJECT_BYTES} bytes)`);
  if (MIX) {
    await direct.makeBucket(mixed);
    await seed([mixed], mixKeys, i => randomBytes(mixBytes(i)));
    const total = mixKeys.reduce((sum, _, i) => sum + mixBytes(i), 0);
    console.log(
      `  (${OBJECTS} objects of ${MIX_KIB.join('/')} KiB in turn, ${mb(
        total,
      )} MB)`,
    );
  }

  const lib = loadLib();
  const widths = (process.env.KAML_BENCH_COPY_CONCURRENCY ?? '')
    .split(',')
    .filter(Boolean)
    .map(Number);
  if (widths.length === 0) widths.push(lib.DEFAULT_SNAPSHOT_COPY_CONCURRENCY);
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1)
    throw new Error(
      `KAML_BENCH_ROUNDS must be a whole number ≥ 1, got ${process.env.KAML_BENCH_ROUNDS}`,
    );
  if (widths.some(w => !Number.isInteger(w) || w < 1))
    throw new Error(
      `KAML_BENCH_COPY_CONCURRENCY must list whole numbers, got ${process.env.KAML_BENCH_COPY_CONCURRENCY}`,
    );
  const db = lib.knex({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  await lib.applyDatabaseMigrations(db);
  const s3 = {
    endpoint: `http://127.0.0.1:${proxyPort}`,
    accessKeyId: accessKey,
    secretAccessKey: secretKey,
  };
  const storage = lib.createStorageService({
    config: lib.readStorageConfig(
      new lib.ConfigReader({ kamlD: { storage: { adapter: 's3', s3 } } }),
    ),
    cache: {
      get: async () => undefined,
      set: async () => {},
      delete: async () => {},
      withOptions() {
        return this;
      },
    },
    discovery: {
      getBaseUrl: async () => 'http://localhost:7007/api/kaml-d',
      getExternalBaseUrl: async () => 'http://localhost:7007/api/kaml-d',
    },
    signer: lib.createLinkSigner(async () => Buffer.from('bench')),
  });
  const names: Record<string, string> = {
    [plain]: 'readings-c',
    [versioned]: 'readings-v',
    [mixed]: 'shards-m',
  };
  const entityOf = (bucket: string) => ({
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: { name: names[bucket], namespace: 'default' },
    spec: {
      type: bucket === mixed ? 'files' : 'table',
      owner: 'group:default/data',
      format: bucket === mixed ? 'parquet' : 'csv',
      location: `s3://${bucket}/${bucket === mixed ? 'shards' : 'readings'}/`,
    },
  });
  const entities = new Map(
    [plain, versioned, mixed].map(b => [
      `dataset:default/${entityOf(b).metadata.name}`,
      entityOf(b),
    ]),
  );
  const noop = () => {};
  const logger = {
    info: noop,
    warn: noop,
    error: noop,
    debug: noop,
    child() {
      return logger;
    },
  };
  const snapshotsAt = (copyConcurrency: number) =>
    lib.createSnapshotsService({
      db,
      catalog: { getEntityByRef: async (ref: string) => entities.get(ref) },
      permissions: {
        authorize: async (requests: unknown[]) =>
          requests.map(() => ({ result: 'ALLOW' })),
      },
      storage,
      audit: lib.createAuditLogService({ db }),
      logger,
      engines: lib.createQueryEngineService({
        config: lib.readQueryConfig(new lib.ConfigReader({})),
      }),
      config: { copyConcurrency },
    });
  const alice = {
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'user', userEntityRef: 'user:default/alice' },
  };
  const adapter = new lib.S3StorageAdapter({
    endPoint: '127.0.0.1',
    port: proxyPort,
    useSSL: false,
    region: 'us-east-1',
    accessKey,
    secretKey,
    pathStyle: true,
  });

  // naive: list, then GET every object through the backend and PUT it under a snapshot prefix
  async function naiveCopy(
    bucket: string,
    label: string,
    round = 1,
  ): Promise<Figures> {
    const prefix = bucket === mixed ? 'shards/' : 'readings/';
    resetCounters();
    const started = performance.now();
    const listed: string[] = [];
    for await (const o of adapter.listRecursive(bucket, prefix))
      listed.push(o.key);
    await inParallel(listed, NAIVE_CONCURRENCY, async key => {
      const chunks: Buffer[] = [];
      for await (const chunk of await viaProxy.getObject(bucket, key))
        chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      await viaProxy.putObject(
        bucket,
        `naive-snapshot-${round}/${key}`,
        body,
        body.length,
      );
    });
    const figures = report(label, performance.now() - started, counters);
    if (listed.length !== OBJECTS)
      throw new Error(
        `naive copy listed ${listed.length} objects, expected ${OBJECTS}`,
      );
    return figures;
  }

  async function snapshot(
    bucket: string,
    expected: 'copy' | 'version-ids',
    width: number,
    label: string,
  ): Promise<Figures> {
    resetCounters();
    const started = performance.now();
    const snap = await snapshotsAt(width).create(
      { kind: 'dataset', namespace: 'default', name: names[bucket] },
      { message: 'bench' },
      alice,
    );
    const figures = report(label, performance.now() - started, counters);
    if (snap.method !== expected || snap.objectCount !== OBJECTS) {
      throw new Error(
        `snapshot of ${bucket} was ${snap.method} with ${snap.objectCount} objects, expected ${expected} with ${OBJECTS}`,
      );
    }
    return figures;
  }

  const best = (list: Figures[]) =>
    list.reduce((a, b) => (b.ms < a.ms ? b : a));
  const naiveRounds: Figures[] = [];
  const copyRounds: Figures[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const suffix = ROUNDS > 1 ? `, round ${round}` : '';
    naiveRounds.push(
      await naiveCopy(
        plain,
        `naive GET+PUT copy (${NAIVE_CONCURRENCY} in flight${suffix})`,
        round,
      ),
    );
    copyRounds.push(
      await snapshot(
        plain,
        'copy',
        widths[0],
        `Snapshots service (copy, ${widths[0]} in flight${suffix})`,
      ),
    );
  }
  const naive = best(naiveRounds);
  const copies: Array<{ width: number; figures: Figures }> = [
    { width: widths[0], figures: best(copyRounds) },
  ];
  for (const width of widths.slice(1)) {
    copies.push({
      width,
      figures: await snapshot(
        plain,
        'copy',
        width,
        `Snapshots service (copy, ${width} in flight)`,
      ),
    });
  }
  const versionIds = await snapshot(
    versioned,
    'version-ids',
    widths[0],
    'Snapshots service (version-ids)',
  );
  let mix: { naive: Figures; copy: Figures } | undefined;
  if (MIX) {
    const mixNaive: Figures[] = [];
    const mixCopy: Figures[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const suffix = ROUNDS > 1 ? `, round ${round}` : '';
      mixNaive.push(
        await naiveCopy(
          mixed,
          `mix: naive GET+PUT (${NAIVE_CONCURRENCY} in flight${suffix})`,
          round,
        ),
      );
      mixCopy.push(
        await snapshot(
          mixed,
          'copy',
          widths[0],
          `mix: Snapshots (copy, ${widths[0]} in flight${suffix})`,
        ),
      );
    }
    mix = { naive: best(mixNaive), copy: best(mixCopy) };
  }
  printLoad('at end');
  await db.destroy();

  if (ROUNDS > 1)
    console.log(
      `best of ${ROUNDS} alternating rounds: naive ${(naive.ms / 1000).toFixed(
        2,
      )} s, copy at ${widths[0]} ${(copies[0].figures.ms / 1000).toFixed(2)} s`,
    );
  for (const { width, figures } of copies)
    ratios(`copy (${width} in flight)`, figures, naive);
  ratios('version-ids', versionIds, naive);
  if (mix)
    ratios(
      `mix of ${MIX_KIB.join('/')} KiB objects, copy (${widths[0]} in flight)`,
      mix.copy,
      mix.naive,
    );
  const slowest = Math.max(copies[0].figures.ms, versionIds.ms);
  console.log(`dataset-snapshot: ${(naive.ms / slowest).toFixed(2)}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  for (const bucket of [
    plain,
    versioned,
    ...(MIX ? [mixed] : []),
    ...(process.env.KAML_BENCH_DROP ?? '').split(',').filter(Boolean),
  ]) {
    await dropBucket(bucket).catch(error =>
      console.error(`could not remove ${bucket}: ${error}`),
    );
  }
  proxy.close();
  upstream.destroy();
}
