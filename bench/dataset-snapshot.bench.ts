/**
 * Snapshot of a 10,000-object dataset on the rig's MinIO: the backend's Snapshots service
 * (server-side CopyObject into a snapshot prefix on a bucket without versioning; version ids from
 * the version listing on a versioned bucket) vs a naive copy that GETs every object through the
 * backend and PUTs it back under a snapshot prefix, in the same run and with the same 16
 * requests in flight. Every request of the backend goes through a counting HTTP proxy in front
 * of MinIO, so bytes (request and response, headers and bodies) and requests are measured on the
 * wire, not estimated. Needs the rig: e2e/rig/rig.sh start minio.
 *
 * Seeds OBJECTS small CSV objects (OBJECT_BYTES each) into two scratch buckets (one versioned)
 * directly, then removes both buckets with every version.
 *
 * Ends with `dataset-snapshot: <naive ms / slower snapshot mode ms>` (a speed-up, target ≥ 5);
 * the byte ratios (target ≥ 10) are printed above it.
 */
import { Client } from 'minio';
import { buildSync } from 'esbuild';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const OBJECTS = Number(process.env.KAML_BENCH_OBJECTS ?? 10_000);
const OBJECT_BYTES = Number(process.env.KAML_BENCH_OBJECT_BYTES ?? 4096);
const CONCURRENCY = 16; // the Snapshots service's own
const root = resolve(import.meta.dirname, '..');
const out = join(root, 'bench', '.out');

function rigEnv(name: string): string {
  if (process.env[name]) return String(process.env[name]);
  const file = join(
    process.env.KAML_RIG_STATE ?? join(root, 'e2e', '.rig'),
    'rig.env',
  );
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find(l => l.startsWith(`export ${name}=`));
  if (!line)
    throw new Error(
      `${name} is not in ${file}: start MinIO first (e2e/rig/rig.sh start minio)`,
    );
  return line.slice(`export ${name}=`.length).replace(/^'|'$/g, '');
}

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
      `export { createSnapshotsService } from ${JSON.stringify(
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
}
let counters: Counters;
function resetCounters() {
  counters = { requests: {}, bytesUp: 0, bytesDown: 0, objectBytes: 0 };
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

const upstream = new http.Agent({ keepAlive: true, maxSockets: 64 });
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

function report(name: string, ms: number, c: Counters) {
  const requests = Object.values(c.requests).reduce((a, b) => a + b, 0);
  const detail = Object.entries(c.requests)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  console.log(
    `${name.padEnd(28)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${requests
      .toString()
      .padStart(6)} requests (${detail})  ` +
      `${((c.bytesUp + c.bytesDown) / 1e6).toFixed(2)} MB on the wire (${(
        c.objectBytes / 1e6
      ).toFixed(2)} MB of object data)`,
  );
  return {
    ms,
    requests,
    bytes: c.bytesUp + c.bytesDown,
    objectBytes: c.objectBytes,
  };
}

const keys = Array.from(
  { length: OBJECTS },
  (_, i) =>
    `readings/part-${String(Math.floor(i / 1000)).padStart(
      2,
      '0',
    )}/obj-${String(i).padStart(5, '0')}.csv`,
);
try {
  await direct.makeBucket(plain);
  await direct.makeBucket(versioned);
  await direct.setBucketVersioning(versioned, { Status: 'Enabled' });
  const seeded = performance.now();
  await inParallel(
    keys.map((key, i) => ({ key, i })),
    64,
    async ({ key, i }) => {
      const body = csv(i);
      await direct.putObject(plain, key, body, body.length);
      await direct.putObject(versioned, key, body, body.length);
    },
  );
  console.log(
    `seeded ${OBJECTS} objects of ${OBJECT_BYTES} bytes into ${plain} and ${versioned} in ${(
      (performance.now() - seeded) /
      1000
    ).toFixed(1)} s`,
  );

  const lib = loadLib();
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
  const entityOf = (bucket: string) => ({
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: {
      name: bucket === plain ? 'readings-c' : 'readings-v',
      namespace: 'default',
    },
    spec: {
      type: 'table',
      owner: 'group:default/data',
      format: 'csv',
      location: `s3://${bucket}/readings/`,
    },
  });
  const entities = new Map(
    [plain, versioned].map(b => [
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
  const snapshots = lib.createSnapshotsService({
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
  });
  const alice = {
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'user', userEntityRef: 'user:default/alice' },
  };

  // naive: list, then GET every object through the backend and PUT it under a snapshot prefix
  resetCounters();
  let started = performance.now();
  const listed: string[] = [];
  for await (const o of new lib.S3StorageAdapter({
    endPoint: '127.0.0.1',
    port: proxyPort,
    useSSL: false,
    region: 'us-east-1',
    accessKey,
    secretKey,
    pathStyle: true,
  }).listRecursive(plain, 'readings/'))
    listed.push(o.key);
  await inParallel(listed, CONCURRENCY, async key => {
    const chunks: Buffer[] = [];
    for await (const chunk of await viaProxy.getObject(plain, key))
      chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    await viaProxy.putObject(plain, `naive-snapshot/${key}`, body, body.length);
  });
  const naive = report(
    'naive GET+PUT copy',
    performance.now() - started,
    counters,
  );
  if (listed.length !== OBJECTS)
    throw new Error(
      `naive copy listed ${listed.length} objects, expected ${OBJECTS}`,
    );

  const modes: Array<{
    name: string;
    ms: number;
    requests: number;
    bytes: number;
    objectBytes: number;
  }> = [];
  for (const [bucket, expected] of [
    [plain, 'copy'],
    [versioned, 'version-ids'],
  ] as const) {
    resetCounters();
    started = performance.now();
    const snap = await snapshots.create(
      {
        kind: 'dataset',
        namespace: 'default',
        name: entityOf(bucket).metadata.name,
      },
      { message: 'bench' },
      alice,
    );
    if (snap.method !== expected || snap.objectCount !== OBJECTS) {
      throw new Error(
        `snapshot of ${bucket} was ${snap.method} with ${snap.objectCount} objects, expected ${expected} with ${OBJECTS}`,
      );
    }
    modes.push({
      name: expected,
      ...report(
        `Snapshots service (${expected})`,
        performance.now() - started,
        counters,
      ),
    });
  }
  await db.destroy();

  for (const m of modes) {
    console.log(
      `${m.name}: ${(naive.bytes / m.bytes).toFixed(
        1,
      )}× fewer bytes on the wire (target ≥ 10), ` +
        `${m.objectBytes} vs ${naive.objectBytes} bytes of object data through the backend, ` +
        `${(naive.requests / m.requests).toFixed(1)}× fewer requests, ${(
          naive.ms / m.ms
        ).toFixed(1)}× faster (target ≥ 5)`,
    );
  }
  const slowest = Math.max(...modes.map(m => m.ms));
  console.log(`dataset-snapshot: ${(naive.ms / slowest).toFixed(2)}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  for (const bucket of [
    plain,
    versioned,
    ...(process.env.KAML_BENCH_DROP ?? '').split(',').filter(Boolean),
  ]) {
    await dropBucket(bucket).catch(error =>
      console.error(`could not remove ${bucket}: ${error}`),
    );
  }
  proxy.close();
  upstream.destroy();
}
