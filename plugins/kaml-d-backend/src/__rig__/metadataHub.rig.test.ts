import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { Client } from 'minio';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { kamlDPlugin } from '../plugin';
import { rigEnv } from './rigEnv';
import {
  TEST_BINDINGS_CONFIG,
  TEST_PROBE_TIMEOUT_MS,
  testDataset,
} from '../__testUtils__/bindings';

const ALICE = mockCredentials.user.header('user:default/alice');

// real servers: Trino answers in seconds, not milliseconds
jest.setTimeout(120_000);

/** A Dataset in production from the trusted test catalog file, over `location`. */
function dataset(name: string, format: string, location: string): Entity {
  return testDataset(name, format, { location, lifecycle: 'production' });
}

describe('Metadata Hub on the rig: MinIO storage, DuckDB through it, and Trino', () => {
  const endpoint = new URL(rigEnv('KAML_RIG_S3_ENDPOINT'));
  const accessKey = rigEnv('KAML_RIG_S3_ACCESS_KEY');
  const secretKey = rigEnv('KAML_RIG_S3_SECRET_KEY');
  const uploadName = `rig-upload-${Date.now()}`;
  let cacheDir: string;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'kaml-d-rig-cache-'));
    ({ server } = await startTestBackend({
      features: [
        kamlDPlugin,
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            kamlD: {
              bindings: TEST_BINDINGS_CONFIG,
              health: { probeTimeoutMs: TEST_PROBE_TIMEOUT_MS },
              storage: {
                adapter: 's3',
                capacityBytes: 100 * 1024 * 1024,
                s3: {
                  endpoint: endpoint.origin,
                  accessKeyId: accessKey,
                  secretAccessKey: secretKey,
                },
              },
              query: {
                timeoutSeconds: 60,
                duckdb: { cacheDir },
                trino: {
                  server: rigEnv('KAML_RIG_TRINO_URL'),
                  catalog: rigEnv('KAML_RIG_TRINO_CATALOG'),
                  schema: rigEnv('KAML_RIG_TRINO_SCHEMA'),
                  user: rigEnv('KAML_RIG_TRINO_USER'),
                },
              },
            },
          },
        }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        catalogServiceMock.factory({
          entities: [
            dataset(
              'finance-transactions',
              'csv',
              's3://kaml-datasets/finance-transactions/',
            ),
            dataset(
              'customer-churn',
              'csv',
              's3://kaml-datasets/customer-churn/',
            ),
            dataset('traffic', 'parquet', 'trino://hive/kaml/traffic_counts'),
            dataset('churn-table', 'csv', 'trino://hive/kaml/customer_churn'),
          ],
        }),
      ],
    }));
  }, 60_000);

  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
    const client = new Client({
      endPoint: endpoint.hostname,
      port: Number(endpoint.port),
      useSSL: false,
      accessKey,
      secretKey,
      pathStyle: true,
    });
    const keys: string[] = [];
    for await (const item of client.listObjectsV2(
      'kaml-datasets',
      `${uploadName}/`,
      true,
    )) {
      if (item.name) keys.push(item.name);
    }
    if (keys.length) await client.removeObjects('kaml-datasets', keys);
  });

  const get = (path: string) =>
    request(server).get(`/api/kaml-d${path}`).set('Authorization', ALICE);
  const query = (sql: string, limit?: number) =>
    request(server)
      .post('/api/kaml-d/query')
      .set('Authorization', ALICE)
      .send({ sql, limit });

  it('reports MinIO, DuckDB and Trino up', async () => {
    const res = await get('/health');
    expect(res.status).toBe(200);
    expect(res.body.dependencies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'storage', kind: 's3', status: 'up' }),
        expect.objectContaining({ name: 'query-engine:duckdb', status: 'up' }),
        expect.objectContaining({ name: 'query-engine:trino', status: 'up' }),
      ]),
    );
  });

  it('reads schema, preview, profile and SQL of CSV objects in MinIO with DuckDB', async () => {
    const schema = await get('/datasets/default/finance-transactions/schema');
    expect(schema.status).toBe(200);
    expect(schema.body.engine).toBe('duckdb');
    expect(schema.body.columns).toEqual(
      expect.arrayContaining([
        { name: 'transaction_id', type: 'VARCHAR' },
        { name: 'amount', type: 'DOUBLE' },
        { name: 'is_fraud', type: 'BOOLEAN' },
      ]),
    );
    const preview = await get('/datasets/default/finance-transactions/preview');
    expect(preview.body.rows).toHaveLength(100);
    expect(preview.body.truncated).toBe(true);

    const profile = await get(
      '/datasets/default/finance-transactions/profile?column=is_fraud',
    );
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({
      rows: 5000,
      nulls: 0,
      approxDistinct: 2,
    });

    const counted = await query(
      'SELECT count(*) AS n, count(DISTINCT c.customer_id) AS customers FROM "finance-transactions" f CROSS JOIN (SELECT customer_id FROM "customer-churn" LIMIT 10) c',
    );
    expect(counted.status).toBe(200);
    expect(counted.body.rows).toEqual([[50000, 10]]);
  });

  it('answers the catalog the schema of a MinIO location, read by DuckDB (what discovered Datasets get)', async () => {
    const CATALOG = mockCredentials.service.header({
      onBehalfOf: mockCredentials.service('plugin:catalog'),
      targetPluginId: 'kaml-d',
    });
    const schema = await request(server)
      .post('/api/kaml-d/internal/location-schema')
      .set('Authorization', CATALOG)
      .send({
        location: 's3://kaml-datasets/finance-transactions/',
        format: 'csv',
      });
    expect(schema.status).toBe(200);
    expect(schema.body.columns).toEqual(
      expect.arrayContaining([
        { name: 'transaction_id', type: 'VARCHAR' },
        { name: 'amount', type: 'DOUBLE' },
      ]),
    );
    // a user cannot read an arbitrary location through it
    const user = await request(server)
      .post('/api/kaml-d/internal/location-schema')
      .set('Authorization', ALICE)
      .send({
        location: 's3://kaml-datasets/finance-transactions/',
        format: 'csv',
      });
    expect(user.status).toBe(403);
  });

  it('reads schema, preview, profile and SQL of Hive tables with Trino', async () => {
    const schema = await get('/datasets/default/traffic/schema');
    expect(schema.status).toBe(200);
    expect(schema.body.engine).toBe('trino');
    expect(schema.body.columns).toEqual(
      expect.arrayContaining([
        { name: 'station_id', type: 'varchar' },
        { name: 'vehicles', type: 'integer' },
      ]),
    );
    const preview = await get('/datasets/default/traffic/preview?limit=5');
    expect(preview.body.engine).toBe('trino');
    expect(preview.body.rows).toHaveLength(5);
    expect(preview.body.truncated).toBe(true);

    const profile = await get(
      '/datasets/default/traffic/profile?column=vehicles',
    );
    expect(profile.status).toBe(200);
    expect(profile.body.rows).toBe(5376);
    expect(profile.body.histogram).toHaveLength(20);
    expect(
      profile.body.histogram.reduce(
        (s: number, b: { count: number }) => s + b.count,
        0,
      ),
    ).toBe(5376 - profile.body.nulls);
    expect(profile.body.categorical).toBe(profile.body.approxDistinct <= 12);

    // every column's figures in Trino's SQL: approx_percentile quartiles, stddev_samp
    const summary = await get('/datasets/default/traffic/profile/summary');
    expect(summary.status).toBe(200);
    expect(summary.body.engine).toBe('trino');
    expect(summary.body.totalColumns).toBe(schema.body.columns.length);
    const vehicles = summary.body.columns.find(
      (c: { column: string }) => c.column === 'vehicles',
    );
    expect(vehicles).toMatchObject({ kind: 'numeric', rows: 5376 });
    expect(vehicles.mean).toBeCloseTo(
      profile.body.histogram.reduce(
        (s: number, b: { lower: number; upper: number; count: number }) =>
          s + ((b.lower + b.upper) / 2) * b.count,
        0,
      ) /
        (5376 - profile.body.nulls),
      -1,
    );
    expect(vehicles.p25).toBeLessThanOrEqual(vehicles.p50);
    expect(vehicles.p50).toBeLessThanOrEqual(vehicles.p75);
    expect(vehicles.stddev).toBeGreaterThan(0);
    const station = await get(
      '/datasets/default/traffic/profile/summary?search=STATION',
    );
    expect(
      station.body.columns.map((c: { column: string }) => c.column),
    ).toContain('station_id');
    // the hourly counts' timestamps, in calendar buckets by Trino's date_trunc
    const hour = await get('/datasets/default/traffic/profile?column=hour');
    expect(hour.status).toBe(200);
    expect(hour.body.kind).toBe('temporal');
    expect(hour.body.timeHistogram.bins.length).toBeGreaterThan(0);
    expect(
      hour.body.timeHistogram.bins.reduce(
        (s: number, b: { count: number }) => s + b.count,
        0,
      ),
    ).toBe(5376 - hour.body.nulls);
    expect(hour.body.timeHistogram.bins[0].start).toMatch(/^\d{4}/);

    const joined = await query(
      `SELECT count(*) FROM "churn-table" WHERE churned = 'true' AND CAST(tenure_months AS integer) > (SELECT min(vehicles) FROM traffic)`,
    );
    expect({
      status: joined.status,
      error: joined.body.error?.message,
    }).toEqual({ status: 200 });
    expect(joined.body.engine).toBe('trino');
    expect(typeof joined.body.rows[0][0]).toBe('number');

    const capped = await query('SELECT * FROM "churn-table"', 7);
    expect(capped.body.rows).toHaveLength(7);
    expect(capped.body.truncated).toBe(true);

    // a table reached without naming it as a dataset is refused by Trino's own plan
    const sneaky = await query(
      'SELECT count(*) FROM traffic WHERE station_id IN (SELECT CAST(n AS varchar) FROM (TABLE "churn-table") t(n, a, b, c, d, e, f, g))',
    );
    expect(sneaky.status).toBe(200);

    const wrong = await query('SELECT nope FROM traffic');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain('nope');

    const mixed = await query('SELECT * FROM traffic, "customer-churn"');
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.message).toContain('separate statements');
  });

  it('presigns downloads from MinIO, summarises the bucket and uploads into it', async () => {
    const link = await get(
      '/datasets/default/customer-churn/download?key=customers.csv',
    );
    expect(link.status).toBe(200);
    const file = await fetch(link.body.url);
    expect(file.status).toBe(200);
    expect((await file.text()).startsWith('customer_id,')).toBe(true);

    const summary = await get('/storage/summary');
    expect(summary.body.adapter).toBe('s3');
    expect(summary.body.datasets).toBeGreaterThanOrEqual(8);
    expect(summary.body.percentUsed).toBeGreaterThan(0);

    const upload = await request(server)
      .post('/api/kaml-d/datasets/upload')
      .set('Authorization', ALICE)
      .field('name', uploadName)
      .attach('files', Buffer.from('a,b\n1,2\n'), 'part-1.csv');
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({
      location: `s3://kaml-datasets/${uploadName}/`,
      registration: 'discovery',
      objects: [{ key: 'part-1.csv', size: 8 }],
    });
  });
});
