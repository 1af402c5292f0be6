import request from 'supertest';
import { ALICE, useMetadataHubBackend } from '../__testUtils__/metadataHub';

describe('Metadata Hub routes: storage bindings, authentication and input', () => {
  const { start } = useMetadataHubBackend();

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
});
