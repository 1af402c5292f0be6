import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import {
  BackendFeature,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { KAML_D_DATASET_EVENTS_TOPIC } from '@kaml-d/plugin-kaml-d-node';
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import {
  startKamlDTestBackend,
  TEST_SEED_ORIGIN,
  testDataset,
} from '../__testUtils__/bindings';

const ALICE = mockCredentials.user.header('user:default/alice');

const HOSTILE = 'url:https://git.example.com/mallory/catalog-info.yaml';
/** Discovers s3://kaml-datasets/ (the binding rule reads it from config). */
const DISCOVERY = {
  providers: {
    kamlD: { objectStore: [{ id: 'local', location: 's3://kaml-datasets/' }] },
  },
};

/** A Dataset in production, from the trusted test catalog file unless `origin` says otherwise. */
function dataset(
  name: string,
  format: string,
  location: string,
  origin = TEST_SEED_ORIGIN,
): Entity {
  return testDataset(name, format, {
    location,
    origin,
    lifecycle: 'production',
  });
}

describe('KAML-D Metadata Hub routes (file storage + DuckDB)', () => {
  let root: string;
  const entities = () => [
    dataset(
      'sales',
      'csv',
      's3://kaml-datasets/sales/',
      'kaml-d-object-store:local:s3://kaml-datasets/sales/',
    ),
    // published from a registered url location over the sales folder, owned by its author
    {
      ...dataset('stolen', 'csv', 's3://KAML-DATASETS/./sales', HOSTILE),
      spec: {
        owner: 'user:default/alice',
        lifecycle: 'production',
        format: 'csv',
        location: 's3://KAML-DATASETS/./sales',
      },
    },
    dataset('readings', 'parquet', 's3://kaml-datasets/readings/'),
    dataset('broken', 'parquet', 's3://kaml-datasets/broken/'),
    dataset('photos', 'images', 's3://kaml-datasets/photos/'),
    dataset('outside', 'csv', 'file:///etc/'),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'sales-api', namespace: 'default' },
      spec: {},
    },
  ];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-router-'));
    const bucket = join(root, 'storage', 'kaml-datasets');
    await mkdir(join(bucket, 'sales', '2024'), { recursive: true });
    await writeFile(
      join(bucket, 'sales', 'q1.csv'),
      'id,region,amount\n1,north,10.5\n2,south,20\n3,north,\n4,east,40\n',
    );
    await writeFile(
      join(bucket, 'sales', '2024', 'q2.csv'),
      'id,region,amount\n5,north,50\n6,west,60\n',
    );
    await mkdir(join(bucket, 'readings'), { recursive: true });
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    await connection.run(
      `COPY (SELECT i AS id, i % 7 AS station, i * 1.5 AS value FROM range(1, 2001) t(i)) TO '${join(
        bucket,
        'readings',
        'part-0.parquet',
      )}' (FORMAT parquet)`,
    );
    connection.closeSync();
    db.closeSync();
    await mkdir(join(bucket, 'broken'), { recursive: true });
    await writeFile(
      join(bucket, 'broken', 'data.parquet'),
      'this is not parquet',
    );
    await mkdir(join(bucket, 'photos'), { recursive: true });
    await writeFile(
      join(bucket, 'photos', 'a.png'),
      Buffer.from([137, 80, 78, 71]),
    );
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** The plugin over `root`; `kamlD` keys replace the defaults below (merged key by key). */
  async function start(
    options: {
      deny?: boolean;
      extra?: BackendFeature[];
      kamlD?: JsonObject;
    } = {},
  ) {
    const { server } = await startKamlDTestBackend({
      root,
      kamlD: { storage: { capacityBytes: 1000000 }, ...options.kamlD },
      config: { catalog: DISCOVERY },
      entities: entities(),
      features: [
        mockServices.permissions.factory({
          result: options.deny ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
        }),
        ...(options.extra ?? []),
      ],
    });
    return server;
  }

  describe('storage bindings', () => {
    const REFUSAL =
      /Dataset dataset:default\/stolen may not read s3:\/\/KAML-DATASETS\/\.\/sales: it comes from url:https:\/\/git\.example\.com\/mallory\/catalog-info\.yaml, a source that may not bind storage\. s3:\/\/kaml-datasets\/sales\/ is bound to dataset:default\/sales \(owner group:default\/data, by discovery\)/;

    it.each([
      ['preview', 'get', '/api/kaml-d/datasets/default/stolen/preview'],
      ['schema', 'get', '/api/kaml-d/datasets/default/stolen/schema'],
      [
        'profile',
        'get',
        '/api/kaml-d/datasets/default/stolen/profile?column=amount',
      ],
      ['files', 'get', '/api/kaml-d/datasets/default/stolen/objects'],
    ] as const)(
      'attack: a Dataset from an untrusted location over another team’s folder gets no %s',
      async (_what, method, path) => {
        const server = await start();
        const res = await request(server)
          [method](path)
          .set('Authorization', ALICE);
        expect(res.status).toBe(403);
        expect(res.body.error.message).toMatch(REFUSAL);
        expect(JSON.stringify(res.body)).not.toContain('north');
      },
    );

    it('attack: a Dataset from an untrusted location over another team’s folder cannot be queried', async () => {
      const server = await start();
      const res = await request(server)
        .post('/api/kaml-d/query')
        .set('Authorization', ALICE)
        .send({ sql: 'SELECT * FROM "stolen"' });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(REFUSAL);
    });

    it('serves the discovered dataset that holds the folder', async () => {
      const server = await start();
      const res = await request(server)
        .get('/api/kaml-d/datasets/default/sales/preview')
        .set('Authorization', ALICE);
      expect(res.status).toBe(200);
      expect(res.body.rows.length).toBeGreaterThan(0);
    });
  });

  describe('authentication and input', () => {
    it('answers 401 without a token on every route', async () => {
      const server = await start();
      for (const [method, path] of [
        ['get', '/api/kaml-d/datasets/default/sales/schema'],
        ['get', '/api/kaml-d/datasets/default/sales/preview'],
        ['get', '/api/kaml-d/datasets/default/sales/profile?column=amount'],
        ['get', '/api/kaml-d/datasets/default/sales/objects'],
        ['get', '/api/kaml-d/datasets/default/sales/download?key=q1.csv'],
        ['get', '/api/kaml-d/storage/summary'],
        ['post', '/api/kaml-d/query'],
        ['post', '/api/kaml-d/datasets/upload'],
      ] as const) {
        const res = await request(server)[method](path);
        expect({ path, status: res.status }).toEqual({ path, status: 401 });
      }
    });

    it('answers 404 for a dataset the catalog does not have, or an entity that is no dataset', async () => {
      const server = await start();
      const missing = await request(server)
        .get('/api/kaml-d/datasets/default/nope/schema')
        .set('Authorization', ALICE);
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toContain('dataset:default/nope');
      const component = await request(server)
        .get('/api/kaml-d/datasets/default/sales-api/preview')
        .set('Authorization', ALICE);
      expect(component.status).toBe(404);
    });

    it('answers 400 on bad input, saying what to change', async () => {
      const server = await start();
      const cases: Array<[string, string]> = [
        ['/api/kaml-d/datasets/default/sales/preview?limit=abc', 'limit'],
        [
          '/api/kaml-d/datasets/default/sales/preview?limit=5000',
          'at most 100 rows',
        ],
        ['/api/kaml-d/datasets/default/sales/profile', 'column'],
        [
          '/api/kaml-d/datasets/default/sales/profile?column=nope',
          'its columns are id, region, amount',
        ],
        [
          '/api/kaml-d/datasets/default/sales/download?key=../readings/part-0.parquet',
          '".."',
        ],
        [
          '/api/kaml-d/datasets/default/sales/download?key=/etc/passwd',
          'absolute',
        ],
        ['/api/kaml-d/datasets/default/sales/download?key=a%5Cb', 'backslash'],
        ['/api/kaml-d/datasets/default/sales/objects?folder=../../', '".."'],
        [
          '/api/kaml-d/datasets/default/broken/preview',
          'kaml-datasets/broken/data.parquet',
        ],
        ['/api/kaml-d/datasets/default/photos/preview', 'not a table'],
        [
          '/api/kaml-d/datasets/default/outside/objects',
          'outside the storage root',
        ],
      ];
      for (const [path, message] of cases) {
        const res = await request(server).get(path).set('Authorization', ALICE);
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
        expect(res.body.error.message).toContain(message);
      }
    });

    it('rejects statements that are not one read-only SELECT', async () => {
      const server = await start();
      const cases: Array<[string, string]> = [
        ['DROP TABLE "sales"', 'start the statement with SELECT or WITH'],
        ['SELECT 1; DELETE FROM "sales"', 'one statement at a time'],
        ["SELECT * FROM read_csv('/etc/passwd')", 'Table functions'],
        ["SELECT * FROM '/etc/passwd'", 'Reading files by path'],
        ['SELECT * FROM hive.kaml.secrets', 'catalog name only'],
        [
          'WITH x AS (SELECT 1) INSERT INTO "sales" SELECT * FROM x',
          'remove INSERT',
        ],
      ];
      for (const [sql, message] of cases) {
        const res = await request(server)
          .post('/api/kaml-d/query')
          .set('Authorization', ALICE)
          .send({ sql });
        expect({ sql, status: res.status }).toEqual({ sql, status: 400 });
        expect(res.body.error.message).toContain(message);
      }
      const noBody = await request(server)
        .post('/api/kaml-d/query')
        .set('Authorization', ALICE)
        .send({});
      expect(noBody.status).toBe(400);
      const unknown = await request(server)
        .post('/api/kaml-d/query')
        .set('Authorization', ALICE)
        .send({ sql: 'SELECT * FROM "nope"' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toContain('"nope"');
    });

    it('answers 403 when the policy denies reading the dataset', async () => {
      const server = await start({ deny: true });
      const preview = await request(server)
        .get('/api/kaml-d/datasets/default/sales/preview')
        .set('Authorization', ALICE);
      expect(preview.status).toBe(403);
      const query = await request(server)
        .post('/api/kaml-d/query')
        .set('Authorization', ALICE)
        .send({ sql: 'SELECT count(*) FROM "sales"' });
      expect(query.status).toBe(403);
    });
  });

  describe('results', () => {
    it('reads the schema of a CSV dataset from its files', async () => {
      const server = await start();
      const res = await request(server)
        .get('/api/kaml-d/datasets/default/sales/schema')
        .set('Authorization', ALICE);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        entityRef: 'dataset:default/sales',
        engine: 'duckdb',
        columns: [
          { name: 'id', type: 'BIGINT' },
          { name: 'region', type: 'VARCHAR' },
          { name: 'amount', type: 'DOUBLE' },
        ],
      });
    });

    it('previews the first rows across the files of a dataset, with the limit applied', async () => {
      const server = await start();
      const res = await request(server)
        .get('/api/kaml-d/datasets/default/sales/preview?limit=5')
        .set('Authorization', ALICE);
      expect(res.status).toBe(200);
      expect(res.body.columns.map((c: { name: string }) => c.name)).toEqual([
        'id',
        'region',
        'amount',
      ]);
      expect(res.body.rows).toHaveLength(5);
      expect(res.body.truncated).toBe(true);
      const all = await request(server)
        .get('/api/kaml-d/datasets/default/sales/preview')
        .set('Authorization', ALICE);
      expect(all.body.rows).toHaveLength(6);
      expect(all.body.truncated).toBe(false);
      expect(all.body.limit).toBe(100);
      const parquet = await request(server)
        .get('/api/kaml-d/datasets/default/readings/preview?limit=3')
        .set('Authorization', ALICE);
      expect(parquet.body.rows).toEqual([
        [1, 1, 1.5],
        [2, 2, 3],
        [3, 3, 4.5],
      ]);
    });

    it('profiles a numeric column: nulls, distinct values, range, top values and histogram', async () => {
      const server = await start();
      const res = await request(server)
        .get('/api/kaml-d/datasets/default/sales/profile?column=amount')
        .set('Authorization', ALICE);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        column: 'amount',
        type: 'DOUBLE',
        rows: 6,
        nulls: 1,
        nullShare: 0.1667,
        approxDistinct: 5,
        min: '10.5',
        max: '60.0',
      });
      expect(res.body.histogram).toHaveLength(20);
      expect(res.body.histogram[0]).toEqual({
        lower: 10.5,
        upper: expect.closeTo(12.975, 5),
        count: 1,
      });
      expect(res.body.histogram[19].count).toBe(1);
      expect(
        res.body.histogram.reduce(
          (s: number, b: { count: number }) => s + b.count,
          0,
        ),
      ).toBe(5);

      const region = await request(server)
        .get('/api/kaml-d/datasets/default/sales/profile?column=region')
        .set('Authorization', ALICE);
      expect(region.body.topValues[0]).toEqual({ value: 'north', count: 3 });
      expect(region.body.histogram).toBeUndefined();
    });

    it('runs a read-only query joining two datasets, capped at the row limit', async () => {
      const server = await start();
      const res = await request(server)
        .post('/api/kaml-d/query')
        .set('Authorization', ALICE)
        .send({
          sql: `WITH r AS (SELECT station, count(*) AS n FROM "readings" GROUP BY station)
                SELECT s.region, sum(s.amount) AS total, max(r.n) AS readings
                FROM "sales" s JOIN r ON r.station = s.id
                GROUP BY s.region ORDER BY total DESC;`,
        });
      expect(res.status).toBe(200);
      expect(res.body.datasets).toEqual([
        'dataset:default/readings',
        'dataset:default/sales',
      ]);
      expect(res.body.columns.map((c: { name: string }) => c.name)).toEqual([
        'region',
        'total',
        'readings',
      ]);
      expect(res.body.rows).toEqual([
        ['north', 60.5, 286],
        ['west', 60, 285],
        ['east', 40, 286],
        ['south', 20, 286],
      ]);

      const capped = await request(server)
        .post('/api/kaml-d/query')
        .set('Authorization', ALICE)
        .send({ sql: 'SELECT * FROM "readings" ORDER BY id', limit: 10 });
      expect(capped.body.rows).toHaveLength(10);
      expect(capped.body.truncated).toBe(true);

      // the statement cannot reach files other than the datasets it names
      const escape = await request(server)
        .post('/api/kaml-d/query')
        .set('Authorization', ALICE)
        .send({
          sql: `SELECT * FROM "sales" WHERE id IN (SELECT 1 FROM glob('/etc/*'))`,
        });
      expect(escape.status).toBe(400);
    });

    it('stops a query at the time limit and says what to change', async () => {
      const server = await start({
        kamlD: { query: { timeoutSeconds: 1 } },
      });
      const started = Date.now();
      const res = await request(server)
        .post('/api/kaml-d/query')
        .set('Authorization', ALICE)
        .send({
          sql: 'SELECT sum(a.i * b.i) FROM range(1000000) a(i), range(1000000) b(i), "sales"',
        });
      expect({ status: res.status, message: res.body.error?.message }).toEqual({
        status: 400,
        message: expect.stringContaining('ran longer than 1 s and was stopped'),
      });
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it('lists objects, summarises storage and serves a signed download with ranges', async () => {
      const server = await start();
      const objects = await request(server)
        .get('/api/kaml-d/datasets/default/sales/objects')
        .set('Authorization', ALICE);
      expect(objects.status).toBe(200);
      expect(objects.body.folders).toEqual(['2024/']);
      expect(objects.body.objects.map((o: { key: string }) => o.key)).toEqual([
        'q1.csv',
      ]);

      const summary = await request(server)
        .get('/api/kaml-d/storage/summary')
        .set('Authorization', ALICE);
      expect(summary.status).toBe(200);
      expect(summary.body).toMatchObject({
        adapter: 'file',
        datasets: 4,
        objects: 5,
        capacityBytes: 1000000,
      });
      expect(summary.body.percentUsed).toBeGreaterThan(0);

      const link = await request(server)
        .get('/api/kaml-d/datasets/default/sales/download?key=2024/q2.csv')
        .set('Authorization', ALICE);
      expect(link.status).toBe(200);
      const url = new URL(link.body.url);
      expect(url.pathname.startsWith('/api/kaml-d/storage/files/')).toBe(true);
      const file = await request(server)
        .get(url.pathname)
        .responseType('arraybuffer');
      expect(file.status).toBe(200);
      expect(Buffer.from(file.body).toString()).toBe(
        'id,region,amount\n5,north,50\n6,west,60\n',
      );
      const part = await request(server)
        .get(url.pathname)
        .set('Range', 'bytes=0-1')
        .responseType('arraybuffer');
      expect(part.status).toBe(206);
      expect(Buffer.from(part.body).toString()).toBe('id');
      const forged = await request(server).get(
        `${url.pathname.slice(0, -3)}abc`,
      );
      expect(forged.status).toBe(403);

      const missing = await request(server)
        .get('/api/kaml-d/datasets/default/sales/download?key=nope.csv')
        .set('Authorization', ALICE);
      expect(missing.status).toBe(404);
    });

    it('stores an upload under the dataset prefix, writes its entity and announces it', async () => {
      const announced: unknown[] = [];
      const listener = createBackendModule({
        pluginId: 'kaml-d',
        moduleId: 'test-listener',
        register(reg) {
          reg.registerInit({
            deps: { events: eventsServiceRef },
            async init({ events }) {
              await events.subscribe({
                id: 'test-listener',
                topics: [KAML_D_DATASET_EVENTS_TOPIC],
                onEvent: async event => {
                  announced.push(event.eventPayload);
                },
              });
            },
          });
        },
      });
      const server = await start({ extra: [listener] });
      const res = await request(server)
        .post('/api/kaml-d/datasets/upload')
        .set('Authorization', ALICE)
        .field('name', 'churn')
        .field('description', 'Customer churn')
        .field('tags', 'churn, tabular')
        .attach(
          'files',
          Buffer.from('customer,churned\na,true\nb,false\n'),
          'customers.csv',
        );
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        entityRef: 'dataset:default/churn',
        location: 's3://kaml-datasets/churn/',
        objects: [{ key: 'customers.csv', size: 32 }],
        manifestKey: 'catalog-info.yaml',
        registration: 'discovery',
      });
      const manifestPath = join(
        root,
        'storage',
        'kaml-datasets',
        'churn',
        'catalog-info.yaml',
      );
      expect(parse(await readFile(manifestPath, 'utf8'))).toMatchObject({
        kind: 'Dataset',
        metadata: {
          name: 'churn',
          description: 'Customer churn',
          tags: ['churn', 'tabular'],
        },
        spec: {
          owner: 'user:default/alice',
          format: 'csv',
          location: 's3://kaml-datasets/churn/',
        },
      });
      expect(announced).toEqual([
        expect.objectContaining({
          action: 'uploaded',
          location: 's3://kaml-datasets/churn/',
          manifestKey: 'churn/catalog-info.yaml',
          keys: ['customers.csv'],
          uploadedBy: 'user:default/alice',
          entity: expect.objectContaining({ kind: 'Dataset' }),
        }),
      ]);

      // the same file again is refused, and the stored one is intact
      const again = await request(server)
        .post('/api/kaml-d/datasets/upload')
        .set('Authorization', ALICE)
        .field('name', 'churn')
        .attach('files', Buffer.from('overwritten'), 'customers.csv');
      expect(again.status).toBe(409);
      expect(
        await readFile(
          join(root, 'storage', 'kaml-datasets', 'churn', 'customers.csv'),
          'utf8',
        ),
      ).toBe('customer,churned\na,true\nb,false\n');

      // a hand-made body: HTTP clients strip folders from file names, an attacker does not
      const boundary = 'kaml-boundary';
      const body = [
        `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nchurn2\r\n`,
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="../sales/q1.csv"\r\n`,
        `Content-Type: text/csv\r\n\r\nid\n666\r\n--${boundary}--\r\n`,
      ].join('');
      const traversal = await request(server)
        .post('/api/kaml-d/datasets/upload')
        .set('Authorization', ALICE)
        .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
        .send(body);
      expect(traversal.status).toBe(400);
      expect(traversal.body.error.message).toContain('".."');
      expect(
        await readFile(
          join(root, 'storage', 'kaml-datasets', 'sales', 'q1.csv'),
          'utf8',
        ),
      ).toContain('1,north,10.5');
      const badName = await request(server)
        .post('/api/kaml-d/datasets/upload')
        .set('Authorization', ALICE)
        .field('name', 'Bad Name')
        .attach('files', Buffer.from('x'), 'a.csv');
      expect(badName.status).toBe(400);
      expect(badName.body.error.message).toContain('Field "name"');
    });

    it('stays up and names the dependency that is down when the object store is unreachable', async () => {
      const server = await start({
        kamlD: {
          storage: {
            adapter: 's3',
            s3: {
              endpoint: 'http://127.0.0.1:9',
              accessKeyId: 'k',
              secretAccessKey: 's',
            },
          },
        },
      });
      const health = await request(server)
        .get('/api/kaml-d/health')
        .set('Authorization', ALICE);
      expect(health.status).toBe(503);
      expect(health.body.status).toBe('degraded');
      expect(health.body.dependencies).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'storage',
            kind: 's3',
            status: 'down',
            message: expect.any(String),
          }),
          expect.objectContaining({ name: 'query-engine', status: 'up' }),
        ]),
      );
      const preview = await request(server)
        .get('/api/kaml-d/datasets/default/sales/preview')
        .set('Authorization', ALICE);
      expect(preview.status).toBeGreaterThanOrEqual(500);
      // still answering
      const again = await request(server)
        .get('/api/kaml-d/health')
        .set('Authorization', ALICE);
      expect(again.status).toBe(503);
    });

    it('reports storage and the query engine in the health answer', async () => {
      const server = await start();
      const res = await request(server)
        .get('/api/kaml-d/health')
        .set('Authorization', ALICE);
      expect(res.status).toBe(200);
      expect(res.body.dependencies).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'storage',
            kind: 'file',
            status: 'up',
          }),
          expect.objectContaining({
            name: 'query-engine',
            kind: 'duckdb',
            status: 'up',
          }),
        ]),
      );
    });
  });
});
