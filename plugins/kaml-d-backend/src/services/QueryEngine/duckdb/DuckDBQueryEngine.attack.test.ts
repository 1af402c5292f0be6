/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectRefused"] }] -- expectRefused asserts the refusal and the unchanged file */
import { DatasetSource, FileStorageAdapter } from '@kaml-d/plugin-kaml-d-node';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardSql } from '../sqlGuard';
import { DuckDBQueryEngine } from './DuckDBQueryEngine';

const LIMITS = { maxRows: 100, timeoutMs: 30_000 };

/**
 * `statement` hidden behind a `--` comment that ends at a carriage return: the old guard read
 * only `SELECT * FROM sales`, DuckDB ran all three statements of its wrapped text.
 */
const hidden = (statement: string) =>
  `SELECT * FROM sales -- note\r) AS t; ${statement}; SELECT * FROM (SELECT 1`;

describe('DuckDBQueryEngine: read-only SQL', () => {
  let root: string;
  let storage: FileStorageAdapter;
  let engine: DuckDBQueryEngine;
  let salesFile: string;
  let salesBytes: Buffer;

  const source = (name: string, prefix = 'sales/'): DatasetSource => ({
    kind: 'objects',
    name,
    format: 'csv',
    storage,
    bucket: 'kaml-data',
    prefix,
  });

  /** Runs `sql` the way the Datasets service does: guard, sources by name, engine. */
  async function run(sql: string) {
    const statement = guardSql(sql);
    // the catalog knows sales, regions and a snapshot of sales; other names are not datasets
    const names = [...new Set(statement.references.map(r => r.name))].filter(
      n => /^(sales|regions)(@|$)/.test(n),
    );
    return engine.query(
      statement,
      names.map(n =>
        source(n, n.startsWith('regions') ? 'regions/' : 'sales/'),
      ),
      LIMITS,
    );
  }

  /** The query is refused, and the dataset's file is byte for byte what it was. */
  async function expectRefused(sql: string, message: RegExp) {
    await expect(run(sql)).rejects.toThrow(message);
    expect(await readFile(salesFile)).toEqual(salesBytes);
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-sql-attack-'));
    storage = new FileStorageAdapter(join(root, 'storage'));
    await mkdir(join(root, 'storage', 'kaml-data', 'sales'), {
      recursive: true,
    });
    await mkdir(join(root, 'storage', 'kaml-data', 'regions'), {
      recursive: true,
    });
    salesFile = join(root, 'storage', 'kaml-data', 'sales', 'q1.csv');
    salesBytes = Buffer.from(
      'id,region,amount\n1,north,10\n2,south,20\n3,north,30\n',
    );
    await writeFile(salesFile, salesBytes);
    await writeFile(
      join(root, 'storage', 'kaml-data', 'regions', 'r.csv'),
      'region,manager\nnorth,ann\nsouth,bob\n',
    );
    engine = new DuckDBQueryEngine({
      cacheDir: join(root, 'cache'),
      maxDownloadBytes: 1e9,
      threads: 1,
      memoryLimit: '256MB',
      processMemoryBytes: 1024 * 2 ** 20,
    });
  });

  afterAll(async () => {
    await engine.close();
    await rm(root, { recursive: true, force: true });
  });

  describe('attacks', () => {
    it('attack: a -- comment ended by \\r cannot hide a COPY over the dataset file', async () => {
      await expectRefused(
        hidden(
          `COPY (SELECT 'owned' AS id) TO '${salesFile}' (HEADER false, USE_TMP_FILE false)`,
        ),
        /one statement|read-only|query/i,
      );
    });

    it('attack: a comment ended by \\u2028 or \\n\\r cannot hide a second statement', async () => {
      await expectRefused(
        `SELECT * FROM sales -- x\u2028) AS t; COPY (SELECT 1) TO '${salesFile}'; SELECT * FROM (SELECT 1`,
        /one statement|read-only|query/i,
      );
      await expectRefused(
        `SELECT * FROM sales -- x\n\r) AS t; COPY (SELECT 1) TO '${salesFile}'; SELECT * FROM (SELECT 1`,
        /one statement|read-only|query/i,
      );
    });

    it('attack: a no-break space next to a keyword does not split what the guard and DuckDB read', async () => {
      await expectRefused(
        "SELECT name, value FROM\u00a0duckdb_settings() WHERE name = 'allowed_paths'",
        /duckdb_settings/,
      );
      await expectRefused(
        `SELECT * FROM\u00a0read_text('${salesFile}')`,
        /read_text/,
      );
    });

    it('attack: several statements separated by ; are refused', async () => {
      await expectRefused(
        `SELECT 1; COPY (SELECT 1) TO '${salesFile}'`,
        /one statement/i,
      );
      await expectRefused('SELECT 1; SELECT 2', /one statement/i);
    });

    it.each([
      ['CREATE TABLE t AS SELECT 1'],
      ['CREATE VIEW v AS SELECT * FROM sales'],
      ['CREATE MACRO m(x) AS x + 1'],
      ['SET VARIABLE x = 1'],
      ['SET threads = 1'],
      ['RESET threads'],
      ['LOAD httpfs'],
      ['INSTALL httpfs'],
      [`ATTACH '${join(tmpdir(), 'kaml-attack.db')}' AS other`],
      ['PRAGMA version'],
      [`COPY (SELECT 1) TO '${join(tmpdir(), 'kaml-attack.csv')}'`],
      [`EXPORT DATABASE '${join(tmpdir(), 'kaml-attack-export')}'`],
    ])('attack: %s is refused, also behind a \\r-ended comment', async sql => {
      await expectRefused(sql, /read-only|SELECT|query/i);
      await expectRefused(hidden(sql), /read-only|SELECT|query|one statement/i);
    });

    it('attack: settings, variables and the environment are not readable', async () => {
      await expectRefused(
        "SELECT current_setting('allowed_paths') AS p FROM sales",
        /current_setting/,
      );
      await expectRefused(
        "SELECT getvariable('kaml_files_0') AS p FROM sales",
        /getvariable/,
      );
      await expectRefused(
        "SELECT getvariable('kaml_allowed') AS p",
        /getvariable/,
      );
      await expectRefused("SELECT getenv('HOME') AS h", /getenv/);
      await expectRefused('SELECT * FROM duckdb_settings()', /duckdb_settings/);
      await expectRefused('SELECT * FROM duckdb_views', /duckdb_views/);
      await expectRefused(
        'SELECT pg_get_viewdef(x) FROM range(100000) t(x)',
        /pg_get_viewdef/,
      );
      await expectRefused(
        'SELECT * FROM information_schema.tables',
        /information_schema|catalog name only/,
      );
    });

    it('attack: files outside the datasets are not readable', async () => {
      await expectRefused("SELECT * FROM read_csv('/etc/passwd')", /read_csv/);
      await expectRefused("SELECT * FROM '/etc/passwd'", /passwd/);
    });

    it('attack: a qualified name cannot reach another catalog or schema', async () => {
      await expectRefused(
        'SELECT * FROM system.main.duckdb_settings',
        /catalog name only|system/,
      );
      await expectRefused(
        'SELECT * FROM memory.main.sales',
        /catalog name only/,
      );
      await expectRefused(
        'SELECT * FROM sales, pg_catalog.pg_class',
        /catalog name only|pg_class/,
      );
    });

    it('attack: a CTE name cannot shadow a system view for a later or its own definition', async () => {
      await expectRefused(
        'WITH a AS (SELECT * FROM duckdb_views), duckdb_views AS (SELECT 1) SELECT * FROM a',
        /duckdb_views/,
      );
      await expectRefused(
        'WITH sqlite_master AS (SELECT * FROM sqlite_master) SELECT * FROM sqlite_master',
        /sqlite_master/,
      );
    });

    it('attack: no error message carries an absolute server path', async () => {
      const error = await run('SELECT CAST(region AS INTEGER) FROM sales').then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/Conversion Error/);
      expect(error?.message).not.toContain(root);
    });
  });

  describe('ordinary queries', () => {
    it('runs CTEs, joins of two datasets, window functions and UNION', async () => {
      const joined = await run(
        `WITH big AS (SELECT * FROM sales WHERE amount >= 20)
         SELECT b.id, r.manager, sum(b.amount) OVER (ORDER BY b.id) AS running
         FROM big b JOIN "regions" r ON r.region = b.region ORDER BY b.id`,
      );
      expect(joined.rows).toEqual([
        [2, 'bob', 20],
        [3, 'ann', 50],
      ]);
      const union = await run(
        'SELECT id FROM sales WHERE id = 1 UNION ALL SELECT 9 ORDER BY 1',
      );
      expect(union.rows).toEqual([[1], [9]]);
      const recursive = await run(
        'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT n FROM t',
      );
      expect(recursive.rows).toEqual([[1], [2], [3]]);
    });

    it('reads a dataset named with a snapshot id, and allowed table functions', async () => {
      const result = await run(
        'SELECT count(*) AS n FROM "sales@snap-20261126t070102z-3f9a1c", range(2)',
      );
      expect(result.rows).toEqual([[6]]);
      const functions = await run(
        "SELECT list_reverse([1, 2]) AS l, upper('a') AS u, x FROM unnest([7]) t(x)",
      );
      expect(functions.rows).toEqual([[[2, 1], 'A', 7]]);
    });

    it('keeps semicolons, comments and keywords that are only text', async () => {
      const result = await run(
        'SELECT \'COPY x TO y; DROP\' AS "create" -- a comment\r\n FROM sales LIMIT 1;',
      );
      expect(result.rows).toEqual([['COPY x TO y; DROP']]);
    });
  });
});
