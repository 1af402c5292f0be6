import {
  assembleHistogram,
  binIndex,
  bucketLabel,
  isCategorical,
  isNumericType,
  kindOf,
  nullShare,
  timeUnitFor,
} from './profileMath';
import { planInputTables, rewriteReferences } from './trino/TrinoQueryEngine';
import { guardSql } from './sqlGuard';
import { quoteIdent } from './sqlText';
import { readQueryConfig } from './config';
import { ConfigReader } from '@backstage/config';

describe('profile math', () => {
  it('tells numbers, dates and times, and the rest apart in DuckDB and Trino type names', () => {
    expect(kindOf('DECIMAL(10,2)')).toBe('numeric');
    expect(kindOf('bigint')).toBe('numeric');
    expect(kindOf('DATE')).toBe('temporal');
    expect(kindOf('TIMESTAMP_NS')).toBe('temporal');
    expect(kindOf('timestamp(3) with time zone')).toBe('temporal');
    expect(kindOf('TIME')).toBe('other');
    expect(kindOf('VARCHAR')).toBe('other');
  });

  it('computes top values for text, booleans and few distinct values, not for decimals', () => {
    expect(isCategorical('VARCHAR', 5000)).toBe(true);
    expect(isCategorical('boolean', 2)).toBe(true);
    expect(isCategorical('DOUBLE', 3)).toBe(true);
    expect(isCategorical('DECIMAL(10,2)', 900)).toBe(false);
    expect(isCategorical('DATE', 365)).toBe(false);
  });

  it('buckets dates and times by the finest calendar unit giving at most about 60 bars', () => {
    expect(timeUnitFor(59, false)).toBe('second');
    expect(timeUnitFor(3 * 3_600, false)).toBe('hour');
    expect(timeUnitFor(30 * 86_400, false)).toBe('day');
    expect(timeUnitFor(30 * 86_400, true)).toBe('day');
    expect(timeUnitFor(0, true)).toBe('day');
    expect(timeUnitFor(400 * 86_400, false)).toBe('month');
    expect(timeUnitFor(20 * 365 * 86_400, false)).toBe('year');
    expect(bucketLabel('2026-03-01 00:00:00', 'month')).toBe('2026-03');
    expect(bucketLabel('2026-03-14 09:00:00.000', 'hour')).toBe(
      '2026-03-14 09:00',
    );
    expect(bucketLabel('2026-01-01 00:00:00', 'year')).toBe('2026');
  });

  it('computes the null share, 0 for an empty dataset', () => {
    expect(nullShare(1, 6)).toBe(0.1667);
    expect(nullShare(0, 0)).toBe(0);
    expect(nullShare(10, 10)).toBe(1);
  });

  it('puts values in equal-width bars, the maximum in the last', () => {
    expect(binIndex(0, 0, 10, 5)).toBe(0);
    expect(binIndex(1.99, 0, 10, 5)).toBe(0);
    expect(binIndex(2, 0, 10, 5)).toBe(1);
    expect(binIndex(10, 0, 10, 5)).toBe(4);
    expect(binIndex(7, 7, 7, 5)).toBe(0);
  });

  it('assembles a histogram with empty bars filled in and edges that meet', () => {
    const bars = assembleHistogram(0, 10, 5, [
      { bin: 0, count: 3 },
      { bin: 4, count: 2 },
    ]);
    expect(bars).toEqual([
      { lower: 0, upper: 2, count: 3 },
      { lower: 2, upper: 4, count: 0 },
      { lower: 4, upper: 6, count: 0 },
      { lower: 6, upper: 8, count: 0 },
      { lower: 8, upper: 10, count: 2 },
    ]);
  });

  it('gives a single bar to a constant column and none to an empty one', () => {
    expect(assembleHistogram(7, 7, 20, [{ bin: 0, count: 4 }])).toEqual([
      { lower: 7, upper: 7, count: 4 },
    ]);
    expect(assembleHistogram(7, 7, 20, [])).toEqual([]);
  });

  it('knows numeric types of both engines', () => {
    for (const t of [
      'BIGINT',
      'DOUBLE',
      'DECIMAL(10,2)',
      'integer',
      'real',
      'decimal(38,0)',
      'HUGEINT',
    ]) {
      expect(isNumericType(t)).toBe(true);
    }
    for (const t of [
      'VARCHAR',
      'varchar(20)',
      'TIMESTAMP',
      'BOOLEAN',
      'DATE',
      'INTERVAL',
    ]) {
      expect(isNumericType(t)).toBe(false);
    }
  });
});

describe('identifiers', () => {
  it('quotes names so they cannot end the identifier', () => {
    expect(quoteIdent('amount')).toBe('"amount"');
    expect(quoteIdent('a"; DROP TABLE x; --')).toBe('"a""; DROP TABLE x; --"');
  });

  it('rewrites dataset references into quoted Trino tables', () => {
    const statement = guardSql(
      'SELECT * FROM "traffic-counts" t JOIN weather w ON t.d = w.d',
    );
    expect(
      rewriteReferences(
        statement,
        new Map([
          ['traffic-counts', '"hive"."kaml"."traffic_counts"'],
          ['weather', '"hive"."kaml"."weather_observations"'],
        ]),
      ),
    ).toBe(
      'SELECT * FROM "hive"."kaml"."traffic_counts" t JOIN "hive"."kaml"."weather_observations" w ON t.d = w.d',
    );
  });
});

describe('planInputTables', () => {
  it('lists the tables a Trino IO plan reads', () => {
    const plan = JSON.stringify({
      inputTableColumnInfos: [
        {
          table: {
            catalog: 'hive',
            schemaTable: { schema: 'kaml', table: 'customer_churn' },
          },
        },
        {
          table: {
            catalog: 'tpch',
            schemaTable: { schema: 'tiny', table: 'nation' },
          },
        },
      ],
    });
    expect(planInputTables(plan)).toEqual([
      'hive.kaml.customer_churn',
      'tpch.tiny.nation',
    ]);
    // Trino explains DDL with its own text: not a plan, refused
    expect(() => planInputTables('DROP TABLE t')).toThrow(/not plan/);
  });
});

describe('readQueryConfig', () => {
  it('defaults to DuckDB with a 100-row preview cap and a 30 s limit', () => {
    expect(readQueryConfig(new ConfigReader({}))).toMatchObject({
      defaultEngine: 'duckdb',
      previewMaxRows: 100,
      queryMaxRows: 1000,
      timeoutMs: 30_000,
      trino: undefined,
    });
  });

  it('reads Trino settings', () => {
    const config = readQueryConfig(
      new ConfigReader({
        kamlD: {
          query: {
            defaultEngine: 'trino',
            previewMaxRows: 1000,
            trino: {
              server: 'https://trino.example.com',
              catalog: 'hive',
              schema: 'kaml',
            },
          },
        },
      }),
    );
    expect(config.trino).toEqual({
      host: 'trino.example.com',
      port: 443,
      ssl: true,
      catalog: 'hive',
      schema: 'kaml',
      user: 'kaml-d',
      password: undefined,
      maxMemory: '1GB',
    });
  });

  it.each([
    [
      { previewMaxRows: 1001 },
      'kamlD.query.previewMaxRows must be a whole number from 1 to 1000',
    ],
    [{ timeoutSeconds: 0 }, 'kamlD.query.timeoutSeconds'],
    [{ defaultEngine: 'trino' }, 'kamlD.query.trino is missing'],
    [
      { trino: { server: 'nope', catalog: 'c', schema: 's' } },
      'kamlD.query.trino.server must be a URL',
    ],
    [{ duckdb: { threads: 0 } }, 'kamlD.query.duckdb.threads'],
  ])('fails fast on %j', (query, message) => {
    expect(() =>
      readQueryConfig(new ConfigReader({ kamlD: { query } })),
    ).toThrow(message);
  });
});
