// Uploads generated demo data into an S3-compatible store (MinIO, Ceph RGW, AWS S3) with the
// `minio` client, the same client KAML-D's s3 storage adapter uses.
//
//   KAML_RIG_S3_ENDPOINT=http://127.0.0.1:29000 KAML_RIG_S3_ACCESS_KEY=… KAML_RIG_S3_SECRET_KEY=… \
//     node scripts/demo-data/seed-s3.ts <dataDir> <bucket> [<extra-empty-bucket>...]
//
// Objects are keyed `<dataset-name>/<path>`. Idempotent: buckets are created when missing and
// objects whose ETag equals the file's MD5 are skipped.

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep, extname } from 'node:path';
import * as Minio from 'minio';

const CONTENT_TYPES: Record<string, string> = {
  '.csv': 'text/csv',
  '.parquet': 'application/vnd.apache.parquet',
  '.jsonl': 'application/x-ndjson',
  '.json': 'application/json',
  '.png': 'image/png',
  '.wav': 'audio/wav',
};

function env(name: string): string {
  const v = process.env[name];
  if (!v) {
    console.error(`seed-s3: ${name} is not set`);
    process.exit(2);
  }
  return v;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(p);
    else if (entry.isFile() && !entry.name.includes('.tmp-')) yield p;
  }
}

async function ensureBucket(client: Minio.Client, bucket: string, region: string): Promise<void> {
  if (!(await client.bucketExists(bucket))) {
    await client.makeBucket(bucket, region);
    console.log(`seed-s3: created bucket ${bucket}`);
  }
}

const [dataDir, bucket, ...extraBuckets] = process.argv.slice(2);
if (!dataDir || !bucket) {
  console.error('usage: node scripts/demo-data/seed-s3.ts <dataDir> <bucket> [<extra-empty-bucket>...]');
  process.exit(2);
}
const endpoint = new URL(env('KAML_RIG_S3_ENDPOINT'));
const region = process.env.KAML_RIG_S3_REGION ?? 'us-east-1';
const client = new Minio.Client({
  endPoint: endpoint.hostname,
  port: Number(endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80)),
  useSSL: endpoint.protocol === 'https:',
  accessKey: env('KAML_RIG_S3_ACCESS_KEY'),
  secretKey: env('KAML_RIG_S3_SECRET_KEY'),
  region,
  pathStyle: true,
});

const started = Date.now();
await ensureBucket(client, bucket, region);
for (const b of extraBuckets) await ensureBucket(client, b, region);

let uploaded = 0;
let skipped = 0;
const root = resolve(dataDir);
for await (const file of walk(root)) {
  const key = relative(root, file).split(sep).join('/');
  const body = await readFile(file);
  const md5 = createHash('md5').update(body).digest('hex');
  try {
    const stat = await client.statObject(bucket, key);
    if (stat.etag === md5 && stat.size === body.length) {
      skipped++;
      continue;
    }
  } catch (e) {
    if ((e as { code?: string }).code !== 'NotFound') throw e;
  }
  await client.putObject(bucket, key, body, body.length, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
  });
  uploaded++;
}
console.log(`seed-s3: ${bucket}: ${uploaded} objects uploaded, ${skipped} unchanged (${Date.now() - started} ms)`);
