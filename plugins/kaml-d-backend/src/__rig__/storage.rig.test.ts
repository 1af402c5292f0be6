import { Client } from 'minio';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3StorageAdapter } from '@kaml-d/plugin-kaml-d-node';
import {
  summarizePrefixParallel,
  summarizePrefixSequential,
} from '@kaml-d/plugin-kaml-d-node';
import { readStorageConfig } from '@kaml-d/plugin-kaml-d-node';
import { ConfigReader } from '@backstage/config';
import { rigEnv } from './rigEnv';

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

describe('S3 storage adapter on the rig MinIO', () => {
  const bucket = 'kaml-datasets';
  const prefix = `kaml-d-rig-test-${randomBytes(4).toString('hex')}/`;
  const storageConfig = readStorageConfig(
    new ConfigReader({
      kamlD: {
        storage: {
          adapter: 's3',
          s3: {
            endpoint: rigEnv('KAML_RIG_S3_ENDPOINT'),
            accessKeyId: rigEnv('KAML_RIG_S3_ACCESS_KEY'),
            secretAccessKey: rigEnv('KAML_RIG_S3_SECRET_KEY'),
          },
        },
      },
    }),
    {},
  );
  const adapter = new S3StorageAdapter(storageConfig.s3!, bucket);
  const raw = new Client({
    endPoint: storageConfig.s3!.endPoint,
    port: storageConfig.s3!.port,
    useSSL: false,
    accessKey: storageConfig.s3!.accessKey,
    secretKey: storageConfig.s3!.secretKey,
    pathStyle: true,
  });

  afterAll(async () => {
    const keys: string[] = [];
    for await (const o of adapter.listRecursive(bucket, prefix))
      keys.push(o.key);
    if (keys.length) await raw.removeObjects(bucket, keys);
  });

  it('answers its health check', async () => {
    await expect(adapter.check()).resolves.toBeUndefined();
  });

  it('writes a large stream as a multipart upload and reads it back whole and by range', async () => {
    const size = 40 * 1024 * 1024; // more than two 16 MiB parts
    const block = Buffer.alloc(1024 * 1024, 'k');
    let sent = 0;
    const body = new Readable({
      read() {
        if (sent >= size) {
          this.push(null);
          return;
        }
        sent += block.length;
        this.push(block);
      },
    });
    const info = await adapter.write(bucket, `${prefix}big.bin`, body);
    expect(info.size).toBe(size);
    // multipart uploads get an ETag with a part count suffix
    expect(info.etag).toMatch(/-3$/);
    const stat = await adapter.stat(bucket, `${prefix}big.bin`);
    expect(stat?.size).toBe(size);
    const part = await text(
      await adapter.read(bucket, `${prefix}big.bin`, {
        start: size - 3,
        end: size - 1,
      }),
    );
    expect(part).toBe('kkk');
  });

  it('lists levels, summarises in parallel like the sequential walk, and presigns downloads', async () => {
    for (const folder of ['a', 'b', 'c/d']) {
      for (let i = 0; i < 5; i++) {
        await adapter.write(
          bucket,
          `${prefix}tree/${folder}/f${i}.csv`,
          Readable.from([`x\n${i}\n`]),
        );
      }
    }
    const level = await adapter.listLevel(bucket, `${prefix}tree/`);
    expect(level.objects).toEqual([]);
    expect(level.prefixes).toEqual([
      `${prefix}tree/a/`,
      `${prefix}tree/b/`,
      `${prefix}tree/c/`,
    ]);

    // one page of a level, after a key: what the parallel summary asks for split points
    expect(
      await adapter.listLevel(bucket, `${prefix}tree/`, {
        startAfter: `${prefix}tree/a/f4.csv`,
        limit: 1,
      }),
    ).toEqual({ objects: [], prefixes: [`${prefix}tree/b/`] });
    expect(
      (
        await adapter.listLevel(bucket, `${prefix}tree/a/`, {
          startAfter: `${prefix}tree/a/f1.csv`,
          limit: 2,
        })
      ).objects.map(o => o.key),
    ).toEqual([`${prefix}tree/a/f2.csv`, `${prefix}tree/a/f3.csv`]);

    const parallel = await summarizePrefixParallel(
      adapter,
      bucket,
      `${prefix}tree/`,
      8,
    );
    const sequential = await summarizePrefixSequential(
      adapter,
      bucket,
      `${prefix}tree/`,
    );
    expect(parallel).toMatchObject({
      objects: 15,
      bytes: 60,
      childPrefixes: 3,
    });
    expect(sequential).toMatchObject({
      objects: 15,
      bytes: 60,
      childPrefixes: 3,
    });
    expect(parallel.lastModified).toEqual(sequential.lastModified);

    const url = await adapter.presignDownload(
      bucket,
      `${prefix}tree/a/f1.csv`,
      60,
    );
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('x\n1\n');
    expect(
      await adapter.stat(bucket, `${prefix}tree/nope.csv`),
    ).toBeUndefined();
  });
});
