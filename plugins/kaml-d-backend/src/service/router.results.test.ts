import request from 'supertest';
import { ALICE, useMetadataHubBackend } from '../__testUtils__/metadataHub';

describe('Metadata Hub routes: schema, preview, profile, query, files', () => {
  const { start } = useMetadataHubBackend();

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
  });
});
