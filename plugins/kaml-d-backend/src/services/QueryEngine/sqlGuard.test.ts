import { guardSql } from './sqlGuard';

const names = (sql: string) => guardSql(sql).references.map(r => r.name);

describe('guardSql', () => {
  it('finds the datasets a query reads, quoted or bare, in FROM, JOIN and subqueries', () => {
    expect(names('SELECT * FROM "finance-transactions"')).toEqual([
      'finance-transactions',
    ]);
    expect(
      names(
        'select a.x, b.y from "a-set" a join "team/b-set" as b on a.id = b.id',
      ),
    ).toEqual(['a-set', 'team/b-set']);
    expect(
      names(
        'SELECT * FROM weather, "traffic-counts" t WHERE t.x IN (SELECT x FROM Churn)',
      ),
    ).toEqual(['weather', 'traffic-counts', 'churn']);
  });

  it('does not take CTE names, EXTRACT(… FROM …) or IS DISTINCT FROM for datasets', () => {
    expect(
      names(`WITH recent AS (SELECT * FROM "sales"), top(n) AS (SELECT 1)
             SELECT extract(year FROM ts), trim(both 'x' from region) FROM recent, top
             WHERE a IS NOT DISTINCT FROM b`),
    ).toEqual(['sales']);
  });

  it('records where each reference is, so an engine can rewrite it', () => {
    const sql = 'SELECT * FROM "sales" s JOIN "sales" t ON s.id = t.id';
    const { references } = guardSql(sql);
    expect(references.map(r => sql.slice(r.start, r.end))).toEqual([
      '"sales"',
      '"sales"',
    ]);
  });

  it('attack: a -- comment ends at \\r and other line terminators, as in DuckDB and Trino', () => {
    for (const end of ['\r', '\u2028', '\u2029', '\v', '\f', '\u0085']) {
      expect(() =>
        guardSql(`SELECT * FROM "s" -- x${end}; COPY "s" TO '/tmp/x'`),
      ).toThrow(/one statement/);
    }
  });

  it('attack: a no-break or other Unicode space is a space, never part of a word', () => {
    expect(names('SELECT *\u00a0FROM\u00a0"sales"')).toEqual(['sales']);
    expect(names('SELECT * FROM\u3000weather\u2003w')).toEqual(['weather']);
    expect(() =>
      guardSql("SELECT * FROM\u00a0read_csv('/etc/passwd')"),
    ).toThrow(/Table functions/);
  });

  it('accepts a trailing semicolon and comments, and drops them', () => {
    expect(guardSql('SELECT 1 -- one\n;').sql).toBe('SELECT 1');
    expect(guardSql('/* why */ SELECT 1 /* note */').sql).toBe(
      '/* why */ SELECT 1',
    );
  });

  it('is not fooled by keywords inside strings, quoted names or comments', () => {
    expect(
      names(
        `SELECT 'DROP TABLE x; DELETE' AS "insert", $$;$$ FROM "s" -- ; DROP`,
      ),
    ).toEqual(['s']);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['DROP TABLE "sales"', 'start the statement with SELECT or WITH (DROP'],
    [
      'INSERT INTO "sales" VALUES (1)',
      'start the statement with SELECT or WITH (INSERT',
    ],
    ['UPDATE "sales" SET a = 1', 'SELECT or WITH (UPDATE'],
    ["ATTACH 'x.db'", 'SELECT or WITH (ATTACH'],
    ['PRAGMA version', 'SELECT or WITH (PRAGMA'],
    ['SET enable_external_access = true', 'SELECT or WITH (SET'],
    ['FROM "sales"', 'SELECT or WITH (FROM'],
    ['SELECT 1; SELECT 2', 'one statement at a time'],
    ['SELECT 1; DROP TABLE x', 'one statement at a time'],
    [
      'WITH x AS (DELETE FROM "s" RETURNING *) SELECT * FROM x',
      'remove DELETE',
    ],
    ['SELECT * FROM "s" WHERE load = 1', 'quote it ("load")'],
    [
      "SELECT * FROM read_csv_auto('/etc/passwd')",
      'Table functions such as read_csv_auto',
    ],
    ["SELECT * FROM '/etc/passwd'", 'Reading files by path'],
    ['SELECT * FROM "s" JOIN \'x.parquet\' ON true', 'Reading files by path'],
    ['SELECT * FROM hive.kaml.t', 'catalog name only'],
    ['SELECT * FROM (TABLE tpch.tiny.nation) t', 'catalog name only'],
    [
      'SELECT * FROM "s" WHERE x IN (SELECT y FROM system.runtime.nodes)',
      'catalog name only',
    ],
    ["SELECT 'open", 'string literal is not closed'],
    ['SELECT "open', 'quoted name is not closed'],
    ['SELECT /* open', 'comment is not closed'],
    ['SELECT * FROM', 'needs a dataset name'],
  ])('rejects %j with a message saying what to change', (sql, message) => {
    expect(() => guardSql(sql)).toThrow(message);
  });

  it('reads `TABLE name` as a reference to a dataset', () => {
    expect(
      names('SELECT * FROM (TABLE "sales") t JOIN "readings" r ON true'),
    ).toEqual(['sales', 'readings']);
  });

  it('answers an unquoted hyphenated name with the quoted form to try', () => {
    expect(() => guardSql('SELECT * FROM seattle-weather LIMIT 5')).toThrow(
      'A dataset name with a hyphen must be in double quotes: write FROM "seattle-weather" instead of FROM seattle-weather.',
    );
    expect(() =>
      guardSql('SELECT * FROM "a" JOIN nyc-taxi-2024 t ON true'),
    ).toThrow('write JOIN "nyc-taxi-2024" instead of JOIN nyc-taxi-2024');
    // a subtraction with spaces, or in a select list, is not a name
    expect(names('SELECT a - b FROM "seattle-weather"')).toEqual([
      'seattle-weather',
    ]);
  });

  it('allows table functions that read no data', () => {
    expect(names('SELECT * FROM range(10) r, unnest([1, 2]) u')).toEqual([]);
  });

  it('keeps reading a FROM list after a subquery or a table function', () => {
    expect(names('SELECT * FROM range(3) r(i), "sales" s')).toEqual(['sales']);
    expect(
      names(
        'SELECT * FROM (SELECT 1 FROM "a") x (n), "b", LATERAL (SELECT 2) y',
      ),
    ).toEqual(['b', 'a']);
  });

  it('refuses statements beyond the length limit', () => {
    expect(() => guardSql(`SELECT ${'1,'.repeat(20_000)}1`)).toThrow(
      'longer than',
    );
  });
});
