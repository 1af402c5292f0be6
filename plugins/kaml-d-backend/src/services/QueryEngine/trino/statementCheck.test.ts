import { ConfigReader } from '@backstage/config';
import { readQueryConfig } from '../config';
import {
  checkIoPlan,
  parseIoPlan,
  requireQuery,
  trinoLeadingWord,
} from './statementCheck';

const table = (catalog: string, schema: string, name: string) => ({
  catalog,
  schemaTable: { schema, table: name },
});

describe('trinoLeadingWord', () => {
  it('reads past comments the way Trino does (a -- comment ends at \\r too)', () => {
    expect(trinoLeadingWord('  select 1')).toBe('SELECT');
    expect(trinoLeadingWord('-- x\rINSERT INTO t VALUES 1')).toBe('INSERT');
    expect(trinoLeadingWord('/* a */ /* b */\n(SELECT 1)')).toBe('(');
    expect(trinoLeadingWord('/* never closed')).toBe('');
  });
});

describe('requireQuery', () => {
  it.each([
    'SELECT 1',
    'WITH t AS (SELECT 1) SELECT * FROM t',
    'VALUES 1',
    'TABLE t',
    '(SELECT 1)',
  ])('lets the query %s through', sql =>
    expect(() => requireQuery(sql)).not.toThrow(),
  );

  it.each([
    'INSERT INTO t SELECT 1',
    'EXPLAIN ANALYZE INSERT INTO t SELECT 1',
    'DELETE FROM t',
    "SET SESSION query_max_memory = '1TB'",
    'CALL system.sync_partition_metadata(1)',
    'SHOW TABLES',
    '-- hidden\rDROP TABLE t',
    '\u00a0SELECT 1',
  ])('attack: %s is not a query and is refused', sql => {
    expect(() => requireQuery(sql)).toThrow(/read-only queries only/);
  });
});

describe('IO plan check', () => {
  const allowed = new Set(['hive.kaml.t']);

  it('accepts a plan that reads the named datasets only', () => {
    const plan = parseIoPlan(
      JSON.stringify({
        inputTableColumnInfos: [{ table: table('hive', 'kaml', 't') }],
      }),
    );
    expect(() => checkIoPlan(plan, allowed)).not.toThrow();
  });

  it('attack: a plan with an output table (INSERT, CREATE TABLE AS) is refused', () => {
    const plan = parseIoPlan(
      JSON.stringify({
        inputTableColumnInfos: [{ table: table('hive', 'kaml', 't') }],
        outputTable: table('hive', 'kaml', 't'),
      }),
    );
    expect(() => checkIoPlan(plan, allowed)).toThrow(/writes to hive.kaml.t/);
  });

  it.each([
    ['system', 'runtime', 'nodes'],
    ['hive', 'information_schema', 'tables'],
    ['tpch', 'tiny', 'nation'],
  ])('attack: reading %s.%s.%s is refused', (c, s, t) => {
    const plan = parseIoPlan(
      JSON.stringify({
        inputTableColumnInfos: [
          { table: table('hive', 'kaml', 't') },
          { table: table(c, s, t) },
        ],
      }),
    );
    expect(() => checkIoPlan(plan, allowed)).toThrow(`${c}.${s}.${t}`);
  });

  it('attack: a statement Trino does not plan (DDL is explained by its text) is refused', () => {
    expect(() => parseIoPlan('DROP TABLE hive.kaml.t')).toThrow(
      /not plan the statement as a query/,
    );
  });
});

describe('Trino limits', () => {
  it('reads maxMemory and refuses values that are not sizes', () => {
    const read = (trino: object) =>
      readQueryConfig(
        new ConfigReader({
          kamlD: {
            query: {
              trino: {
                server: 'http://t:8080',
                catalog: 'c',
                schema: 's',
                ...trino,
              },
            },
          },
        }),
      ).trino;
    expect(read({ maxMemory: '512MB' })).toMatchObject({ maxMemory: '512MB' });
    expect(() => read({ maxMemory: '1GB,query_max_run_time=1d' })).toThrow(
      /kamlD.query.trino.maxMemory must be a size/,
    );
  });
});
