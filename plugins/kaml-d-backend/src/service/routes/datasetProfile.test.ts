import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  startKamlDTestBackend,
  testDataset,
} from '../../__testUtils__/bindings';

// a real DuckDB in sandbox processes; the wide table is read from a 1,000-column CSV
jest.setTimeout(180_000);

const ALICE = mockCredentials.user.header('user:default/alice');
const WIDE_COLUMNS = 1000;

describe('dataset profile and its summary of every column (file storage + DuckDB)', () => {
  let root: string;
  let server: Awaited<ReturnType<typeof startKamlDTestBackend>>['server'];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-profile-'));
    const bucket = join(root, 'storage', 'kaml-datasets');
    await mkdir(join(bucket, 'trips'), { recursive: true });
    const lines = ['id,fare,city,paid,day,started'];
    for (let i = 1; i <= 100; i++) {
      const month = String(((i - 1) % 3) + 1).padStart(2, '0');
      const city = ['lyon', 'paris', 'nice'][i % 3];
      // fare 1.25 … 125.00 (100 distinct decimals), null on every tenth row
      const fare = i % 10 === 0 ? '' : (i * 1.25).toFixed(2);
      lines.push(
        `${i},${fare},${city},${i % 2 === 0},2026-${month}-1${
          i % 10
        },2026-01-01 0${i % 4}:15:00`,
      );
    }
    await writeFile(join(bucket, 'trips', 'part-0.csv'), lines.join('\n'));
    // the wide table: made here, never committed
    await mkdir(join(bucket, 'wide'), { recursive: true });
    const header = Array.from({ length: WIDE_COLUMNS }, (_, i) => `c_${i}`);
    const rows = [header.join(',')];
    for (let r = 0; r < 20; r++) {
      rows.push(header.map((_, i) => String(r * i)).join(','));
    }
    await writeFile(join(bucket, 'wide', 'part-0.csv'), rows.join('\n'));
    ({ server } = await startKamlDTestBackend({
      root,
      entities: [testDataset('trips', 'csv'), testDataset('wide', 'csv')],
      features: [
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    }));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const get = (path: string) =>
    request(server)
      .get(`/api/kaml-d/datasets/default/${path}`)
      .set('Authorization', ALICE);

  it('summarizes every column: type, nulls, distinct, range, and mean, deviation and quartiles of numeric ones', async () => {
    const res = await get('trips/profile/summary');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      engine: 'duckdb',
      totalColumns: 6,
      matchingColumns: 6,
      offset: 0,
      limit: 25,
    });
    const byName = Object.fromEntries(
      res.body.columns.map((c: { column: string }) => [c.column, c]),
    );
    expect(res.body.columns.map((c: { column: string }) => c.column)).toEqual([
      'id',
      'fare',
      'city',
      'paid',
      'day',
      'started',
    ]);
    expect(byName.id).toMatchObject({
      kind: 'numeric',
      rows: 100,
      nulls: 0,
      approxDistinct: 100,
      min: '1',
      max: '100',
      mean: 50.5,
      p25: 25.75,
      p50: 50.5,
      p75: 75.25,
    });
    expect(byName.id.stddev).toBeCloseTo(29.0115, 3);
    expect(byName.fare).toMatchObject({
      kind: 'numeric',
      nulls: 10,
      nullShare: 0.1,
      approxDistinct: 90,
    });
    // the mean of the 90 fares 1.25 × (1…99 without multiples of 10)
    expect(byName.fare.mean).toBeCloseTo((1.25 * (5050 - 550)) / 90, 6);
    expect(byName.city).toMatchObject({
      kind: 'other',
      approxDistinct: 3,
      min: 'lyon',
      max: 'paris',
    });
    expect(byName.city.mean).toBeUndefined();
    expect(byName.day).toMatchObject({
      kind: 'temporal',
      type: 'DATE',
      min: '2026-01-10',
      max: '2026-03-19',
    });
  });

  it('pages and searches the columns of a 1,000-column table, each page one engine pass', async () => {
    const first = await get('wide/profile/summary?limit=25');
    expect(first.status).toBe(200);
    expect(first.body.totalColumns).toBe(WIDE_COLUMNS);
    expect(first.body.columns).toHaveLength(25);
    expect(first.body.columns[24]).toMatchObject({
      column: 'c_24',
      kind: 'numeric',
      rows: 20,
      min: '0',
      max: String(19 * 24),
      mean: (24 * 19) / 2,
    });

    const last = await get('wide/profile/summary?offset=990&limit=25');
    expect(last.body.columns.map((c: { column: string }) => c.column)).toEqual(
      Array.from({ length: 10 }, (_, i) => `c_${990 + i}`),
    );

    const found = await get('wide/profile/summary?search=C_99');
    expect(found.body).toMatchObject({
      totalColumns: WIDE_COLUMNS,
      matchingColumns: 11,
      search: 'C_99',
    });
    expect(found.body.columns[0].column).toBe('c_99');
    expect(found.body.columns[10].column).toBe('c_999');
  });

  it('profiles one column: a histogram of numbers, rows per month of dates, top values only where categorical', async () => {
    const fare = await get('trips/profile?column=fare');
    expect(fare.status).toBe(200);
    expect(fare.body).toMatchObject({ kind: 'numeric', categorical: false });
    expect(fare.body.topValues).toEqual([]);
    expect(fare.body.p50).toBeCloseTo(62.5, 6);
    expect(
      fare.body.histogram.reduce(
        (s: number, b: { count: number }) => s + b.count,
        0,
      ),
    ).toBe(90);

    const day = await get('trips/profile?column=day');
    expect(day.body).toMatchObject({ kind: 'temporal' });
    expect(day.body.histogram).toBeUndefined();
    // 10 … 19 March: a span of about two months, so one bucket per month
    expect(day.body.timeHistogram).toEqual({
      unit: 'month',
      bins: [
        { start: '2026-01', count: 34 },
        { start: '2026-02', count: 33 },
        { start: '2026-03', count: 33 },
      ],
    });

    const started = await get('trips/profile?column=started');
    expect(started.body.timeHistogram.unit).toBe('hour');
    expect(started.body.timeHistogram.bins[0]).toEqual({
      start: '2026-01-01 00:00',
      count: 25,
    });

    const city = await get('trips/profile?column=city');
    expect(city.body.categorical).toBe(true);
    expect(city.body.topValues).toEqual([
      { value: 'paris', count: 34 },
      { value: 'lyon', count: 33 },
      { value: 'nice', count: 33 },
    ]);
    const paid = await get('trips/profile?column=paid');
    expect(paid.body.topValues).toHaveLength(2);
  });

  it('says what to change when a page is too large or an offset is not a number', async () => {
    const big = await get('trips/profile/summary?limit=1000');
    expect(big.status).toBe(400);
    expect(big.body.error.message).toMatch(/limit.*at most 100 columns/);
    const offset = await get('trips/profile/summary?offset=-1');
    expect(offset.status).toBe(400);
    expect(offset.body.error.message).toMatch(/offset.*whole number/);
  });

  it('refuses a caller without a token', async () => {
    const res = await request(server).get(
      '/api/kaml-d/datasets/default/trips/profile/summary',
    );
    expect(res.status).toBe(401);
  });
});
