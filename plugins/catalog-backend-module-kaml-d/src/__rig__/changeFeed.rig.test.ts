import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createS3Client,
  readStorageConfig,
  S3StorageAdapter,
} from '@kaml-d/plugin-kaml-d-node';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ObjectStoreDatasetProvider } from '../providers';
import { RecordingConnection } from '../providers/__testUtils__/recordingConnection';
import { rigEnv } from './rigEnv';

jest.setTimeout(120_000);

describe('discovery on the rig MinIO: bucket notifications', () => {
  const bucket = rigEnv('KAML_RIG_S3_BUCKET');
  const prefix = `kaml-d-feed-rig-${randomBytes(4).toString('hex')}/`;
  const storage = {
    adapter: 's3',
    s3: {
      endpoint: rigEnv('KAML_RIG_S3_ENDPOINT'),
      accessKeyId: rigEnv('KAML_RIG_S3_ACCESS_KEY'),
      secretAccessKey: rigEnv('KAML_RIG_S3_SECRET_KEY'),
    },
  };
  const s3 = readStorageConfig(new ConfigReader({ kamlD: { storage } }), {})
    .s3!;
  const store = new S3StorageAdapter(s3, bucket);
  const raw = createS3Client(s3);
  let provider: ObjectStoreDatasetProvider;

  afterAll(async () => {
    provider?.close();
    const keys: string[] = [];
    for await (const o of store.listRecursive(bucket, prefix)) keys.push(o.key);
    if (keys.length) await raw.removeObjects(bucket, keys);
  });

  it('adds an object copied into MinIO and removes it when deleted, without a full scan', async () => {
    [provider] = ObjectStoreDatasetProvider.fromConfig(
      new ConfigReader({
        kamlD: { storage },
        catalog: {
          providers: {
            kamlD: {
              objectStore: [
                { id: 'rig-feed', location: `s3://${bucket}/${prefix}` },
              ],
            },
          },
        },
      }),
      {
        logger: mockServices.logger.mock(),
        auth: mockServices.auth(),
        catalog: catalogServiceMock(),
        schedule: { run: async () => {} },
      },
    );
    const connection = new RecordingConnection();
    await provider.connect(connection);

    // MinIO answers the listen request before any event; write until the first one is seen,
    // so the test does not depend on how long the listen request takes to be established
    const started = Date.now();
    const added = connection.delta(m =>
      m.added.some(a => a.entity.metadata.name === 'bike-rides'),
    );
    let n = 0;
    let done = false;
    added.then(() => {
      done = true;
    });
    while (!done) {
      await store.write(
        bucket,
        `${prefix}bike-rides/part-${n++}.csv`,
        Readable.from(['ride,km\n1,3.5\n']),
      );
      await Promise.race([added, new Promise(r => setTimeout(r, 1000))]);
    }
    const delta = await added;
    const entity = delta.added.find(
      a => a.entity.metadata.name === 'bike-rides',
    )!.entity;
    expect(entity.spec).toMatchObject({
      location: `s3://${bucket}/${prefix}bike-rides/`,
      format: 'csv',
    });
    // eslint-disable-next-line no-console
    console.log(
      `MinIO notification to delta: ${
        Date.now() - started
      } ms after the first write`,
    );
    expect(connection.mutations.some(m => m.type === 'full')).toBe(false);

    const keys: string[] = [];
    for await (const o of store.listRecursive(bucket, `${prefix}bike-rides/`)) {
      keys.push(o.key);
    }
    await raw.removeObjects(bucket, keys);
    await connection.delta(m =>
      m.removed.some(
        r => 'entityRef' in r && r.entityRef === 'dataset:default/bike-rides',
      ),
    );
  });
});
