import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  readStorageConfig,
  S3StorageAdapter,
  StorageAdapter,
} from '@kaml-d/plugin-kaml-d-node';
import { Client } from 'minio';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  ObjectStoreDatasetProvider,
  prestoRunner,
  readTrinoProviderConfigs,
  TrinoDatasetProvider,
} from '..';
import { rigEnv } from './rigEnv';

class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];
  async applyMutation(mutation: EntityProviderMutation) {
    this.mutations.push(mutation);
  }
  async refresh() {}
}

function fullEntities(connection: RecordingConnection) {
  const mutation = connection.mutations.at(-1);
  if (mutation?.type !== 'full') throw new Error('expected a full mutation');
  return Object.fromEntries(
    mutation.entities.map(e => [e.entity.metadata.name, e.entity]),
  );
}

const schedule = { run: async () => {} };
const PREFIX_STEM = 'kaml-d-discovery-rig-';

jest.setTimeout(120_000);

describe('ObjectStoreDatasetProvider on the rig MinIO', () => {
  const bucket = rigEnv('KAML_RIG_S3_BUCKET');
  const prefix = `${PREFIX_STEM}${randomBytes(4).toString('hex')}/`;
  const config = new ConfigReader({
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
  });
  const s3 = readStorageConfig(config, {}).s3!;
  const inner = new S3StorageAdapter(s3, bucket);
  let bytesRead = 0;
  let wholeReads = 0;
  // counts what discovery downloads: ranged reads only, a few kilobytes per dataset
  const adapter: StorageAdapter = {
    type: inner.type,
    listLevel: (b, p) => inner.listLevel(b, p),
    listRecursive: (b, p) => inner.listRecursive(b, p),
    stat: (b, k) => inner.stat(b, k),
    read: async (b, k, range) => {
      if (!range && !k.endsWith('catalog-info.yaml')) wholeReads++;
      const stream = await inner.read(b, k, range);
      stream.on('data', (chunk: Buffer) => {
        bytesRead += chunk.length;
      });
      return stream;
    },
    write: (b, k, body, o) => inner.write(b, k, body, o),
    check: () => inner.check(),
  };
  let parquetSize = 0;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaml-rig-parquet-'));
    const file = join(dir, 'readings.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT i AS sensor_reading_id, random() AS celsius, 'room-' || (i % 7) AS room FROM range(200000) t(i)) TO '${file}' (FORMAT parquet)`,
    );
    connection.closeSync();
    const parquet = readFileSync(file);
    parquetSize = parquet.length;
    rmSync(dir, { recursive: true, force: true });
    await inner.write(
      bucket,
      `${prefix}sensors/2024/readings.parquet`,
      Readable.from([parquet]),
    );
    await inner.write(
      bucket,
      `${prefix}orders/orders-1.csv`,
      Readable.from(['order_id,customer_email,total\n1,a@example.com,9.5\n']),
    );
    await inner.write(
      bucket,
      `${prefix}orders/orders-2.csv`,
      Readable.from(['order_id,customer_email,total\n2,b@example.com,3\n']),
    );
    await inner.write(
      bucket,
      `${prefix}clicks/day.jsonl`,
      Readable.from(['{"session_id":"s","clicked":true}\n']),
    );
  });

  afterAll(async () => {
    // this run's prefix, and any left by an interrupted run of this test (same name stem)
    const keys: string[] = [];
    const top = await inner.listLevel(bucket, '');
    for (const p of top.prefixes.filter(t => t.startsWith(PREFIX_STEM))) {
      for await (const o of inner.listRecursive(bucket, p)) keys.push(o.key);
    }
    const raw = new Client({
      endPoint: s3.endPoint,
      port: s3.port,
      useSSL: s3.useSSL,
      accessKey: s3.accessKey,
      secretKey: s3.secretKey,
      pathStyle: true,
    });
    if (keys.length) await raw.removeObjects(bucket, keys);
  });

  function provider(location: string) {
    const [p] = ObjectStoreDatasetProvider.fromConfig(
      new ConfigReader({
        catalog: {
          providers: {
            kamlD: {
              objectStore: [{ id: 'rig', location, owner: 'data-engineering' }],
            },
          },
        },
      }),
      {
        logger: mockServices.logger.mock(),
        auth: mockServices.auth(),
        catalog: catalogServiceMock(),
        schedule,
        adapter,
      },
    );
    return p;
  }

  it('discovers datasets with figures from the listing alone, opening no data file', async () => {
    const p = provider(`s3://${bucket}/${prefix}`);
    const connection = new RecordingConnection();
    await p.connect(connection);
    bytesRead = 0;
    expect(await p.refresh()).toEqual({ datasets: 3, declared: 0, failed: 0 });
    const entities = fullEntities(connection);
    expect(entities.sensors.spec).toMatchObject({
      format: 'parquet',
      location: `s3://${bucket}/${prefix}sensors/`,
      size: { bytes: parquetSize, files: 1 },
    });
    expect(entities.orders.spec).toMatchObject({
      format: 'csv',
      size: { files: 2 },
    });
    expect(entities.clicks.spec).toMatchObject({ format: 'jsonl' });
    // columns are read by the query engine when the catalog processes the entity
    // (DatasetSchemaProcessor), not by discovery
    for (const entity of Object.values(entities)) {
      expect(entity.spec?.schema).toBeUndefined();
    }
    expect(wholeReads).toBe(0);
    expect(bytesRead).toBe(0);
  });

  it('discovers the seeded demo datasets at the bucket root', async () => {
    const p = provider(`s3://${bucket}/`);
    const connection = new RecordingConnection();
    await p.connect(connection);
    await p.refresh();
    const entities = fullEntities(connection);
    expect(entities['finance-transactions'].spec).toMatchObject({
      format: 'csv',
      size: { files: expect.any(Number) },
    });
    expect(entities['traffic-counts'].spec).toMatchObject({
      format: 'parquet',
    });
    expect(
      (entities['traffic-counts'].spec?.size as { bytes: number }).bytes,
    ).toBeGreaterThan(0);
  });
});

describe('TrinoDatasetProvider on the rig Trino', () => {
  function create(entry: Record<string, unknown>) {
    const queries: string[] = [];
    const [p] = TrinoDatasetProvider.fromConfig(
      new ConfigReader({
        catalog: {
          providers: {
            kamlD: {
              trino: [
                {
                  id: 'rig',
                  server: rigEnv('KAML_RIG_TRINO_URL'),
                  user: rigEnv('KAML_RIG_TRINO_USER'),
                  ...entry,
                },
              ],
            },
          },
        },
      }),
      {
        logger: mockServices.logger.mock(),
        auth: mockServices.auth(),
        catalog: catalogServiceMock(),
        schedule,
        runner: config => {
          const run = prestoRunner(config);
          return sql => {
            queries.push(sql);
            return run(sql);
          };
        },
      },
    );
    return { p, queries };
  }

  it('reads the configured schema of the hive catalog in one query', async () => {
    const { p, queries } = create({
      catalog: rigEnv('KAML_RIG_TRINO_CATALOG'),
      schemas: [rigEnv('KAML_RIG_TRINO_SCHEMA')],
    });
    const connection = new RecordingConnection();
    await p.connect(connection);
    const result = await p.refresh();
    expect(result.schemas).toBe(1);
    expect(queries).toHaveLength(1);
    expect(result.datasets).toBeGreaterThan(0);
    const entities = Object.values(fullEntities(connection));
    for (const entity of entities) {
      expect(entity.spec?.location).toMatch(/^trino:\/\/hive\/kaml\/[^/]+$/);
      expect(
        (entity.spec?.schema as { columns: unknown[] }).columns.length,
      ).toBeGreaterThan(0);
    }
  });

  it('lists every schema of tpch and reads each with one query (queries ≤ schemas + 1)', async () => {
    const { p, queries } = create({ catalog: 'tpch' });
    const connection = new RecordingConnection();
    await p.connect(connection);
    const result = await p.refresh();
    expect(result.schemas).toBeGreaterThan(1);
    expect(queries.length).toBe(result.schemas + 1);
    expect(result.datasets).toBe(result.schemas * 8);
    const nation = fullEntities(connection)['tpch-tiny-nation'];
    expect(nation.spec).toMatchObject({
      location: 'trino://tpch/tiny/nation',
      schema: {
        columns: [
          { name: 'nationkey', type: 'bigint' },
          { name: 'name', type: 'varchar(25)' },
          { name: 'regionkey', type: 'bigint' },
          { name: 'comment', type: 'varchar(152)' },
        ],
      },
    });
  });

  it('reads its config the same way the module does', () => {
    expect(
      readTrinoProviderConfigs(
        new ConfigReader({
          catalog: {
            providers: {
              kamlD: {
                trino: [
                  {
                    id: 'x',
                    server: rigEnv('KAML_RIG_TRINO_URL'),
                    catalog: 'tpch',
                  },
                ],
              },
            },
          },
        }),
      )[0].port,
    ).toBe(Number(rigEnv('KAML_RIG_TRINO_PORT')));
  });
});
