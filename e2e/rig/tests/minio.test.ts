// MinIO through the `minio` npm client, as KAML-D's s3 storage adapter uses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import * as Minio from 'minio';
import { DEMO_DATASETS } from '../../../scripts/demo-data/datasets.ts';
import { requireEnv } from './env.ts';

const MiB = 1024 * 1024;

function client(partSize?: number): Minio.Client {
  const url = new URL(requireEnv('KAML_RIG_S3_ENDPOINT'));
  return new Minio.Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    accessKey: requireEnv('KAML_RIG_S3_ACCESS_KEY'),
    secretKey: requireEnv('KAML_RIG_S3_SECRET_KEY'),
    region: process.env.KAML_RIG_S3_REGION ?? 'us-east-1',
    pathStyle: true,
    ...(partSize ? { partSize } : {}),
  });
}

async function listAll(c: Minio.Client, bucket: string, prefix: string): Promise<Minio.BucketItem[]> {
  const items: Minio.BucketItem[] = [];
  for await (const item of c.listObjectsV2(bucket, prefix, true)) items.push(item as Minio.BucketItem);
  return items;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

test('the seeded datasets bucket holds every demo dataset', async () => {
  const c = client();
  const bucket = requireEnv('KAML_RIG_S3_BUCKET');
  assert.equal(await c.bucketExists(bucket), true);
  assert.equal(await c.bucketExists(requireEnv('KAML_RIG_S3_WAREHOUSE_BUCKET')), true);
  const items = await listAll(c, bucket, '');
  for (const ds of DEMO_DATASETS) {
    const own = items.filter(i => i.name?.startsWith(`${ds.name}/`));
    assert.ok(own.length > 0, `no objects under ${bucket}/${ds.name}/`);
  }
  const pngs = items.filter(i => i.name?.startsWith('fingerprint-images/images/') && i.name.endsWith('.png'));
  assert.ok(pngs.length >= 24, `expected dozens of fingerprint PNGs, got ${pngs.length}`);

  // the object content is the generated file: a CSV header with the pii columns
  const head = (await readAll(await c.getPartialObject(bucket, 'finance-transactions/transactions-2024-q1.csv', 0, 200))).toString();
  assert.match(head, /^transaction_id,ts,card_holder,email,/);
  // a PNG signature through a ranged read
  const sig = await readAll(await c.getPartialObject(bucket, pngs[0].name!, 0, 8));
  assert.deepEqual([...sig], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
});

test('round trip: put, stat, get, presigned GET, multipart upload > 5 MiB, delete', async () => {
  const c = client(5 * MiB);
  const bucket = requireEnv('KAML_RIG_S3_BUCKET');
  const prefix = `rig-test-${process.pid}-${Date.now()}/`;
  try {
    const small = Buffer.from('hello kaml-d\n');
    await c.putObject(bucket, `${prefix}small.txt`, small, small.length, { 'Content-Type': 'text/plain' });
    const stat = await c.statObject(bucket, `${prefix}small.txt`);
    assert.equal(stat.size, small.length);
    assert.equal(stat.etag, createHash('md5').update(small).digest('hex'));
    assert.deepEqual(await readAll(await c.getObject(bucket, `${prefix}small.txt`)), small);

    const url = await c.presignedGetObject(bucket, `${prefix}small.txt`, 60);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'hello kaml-d\n');

    // a 12 MiB stream with 5 MiB parts: the client uploads it as a 3-part multipart upload
    const big = randomBytes(12 * MiB);
    const chunks = Array.from({ length: 48 }, (_, i) => big.subarray(i * 256 * 1024, (i + 1) * 256 * 1024));
    await c.putObject(bucket, `${prefix}big.bin`, Readable.from(chunks), big.length);
    const bigStat = await c.statObject(bucket, `${prefix}big.bin`);
    assert.equal(bigStat.size, big.length);
    assert.match(bigStat.etag, /-3$/, `multipart ETag expected, got ${bigStat.etag}`);
    const back = await readAll(await c.getObject(bucket, `${prefix}big.bin`));
    assert.equal(createHash('sha256').update(back).digest('hex'), createHash('sha256').update(big).digest('hex'));

    const listed = await listAll(c, bucket, prefix);
    assert.deepEqual(listed.map(i => i.name).sort(), [`${prefix}big.bin`, `${prefix}small.txt`]);
  } finally {
    const keys = (await listAll(c, bucket, prefix)).map(i => i.name!);
    if (keys.length) await c.removeObjects(bucket, keys);
  }
  assert.equal((await listAll(c, bucket, prefix)).length, 0);
});
