import {
  GuardedStatement,
  TableDatasetSource,
} from '@kaml-d/plugin-kaml-d-node';
import {
  readQueryConfig,
  TrinoEngineConfig,
} from '../services/QueryEngine/config';
import { TrinoQueryEngine } from '../services/QueryEngine/trino/TrinoQueryEngine';
import { ConfigReader } from '@backstage/config';
import { rigEnv } from './rigEnv';

// real servers: Trino answers in seconds, not milliseconds
jest.setTimeout(120_000);

interface Answer {
  rows: unknown[][];
  error?: { errorName: string; message: string };
}

/** One statement sent straight to Trino's client protocol as `user`, bypassing KAML-D. */
async function trino(user: string, sql: string): Promise<Answer> {
  const headers = {
    'X-Trino-User': user,
    'X-Trino-Source': 'kaml-d-rig-sandbox-test',
    'X-Trino-Catalog': 'hive',
    'X-Trino-Schema': rigEnv('KAML_RIG_TRINO_SCHEMA'),
  };
  let res = await fetch(
    new URL('/v1/statement', rigEnv('KAML_RIG_TRINO_URL')),
    {
      method: 'POST',
      headers,
      body: sql,
    },
  );
  const rows: unknown[][] = [];
  for (;;) {
    if (!res.ok)
      throw new Error(`${sql}: HTTP ${res.status} ${await res.text()}`);
    const body = (await res.json()) as {
      nextUri?: string;
      data?: unknown[][];
      error?: Answer['error'];
    };
    if (body.error) return { rows, error: body.error };
    if (body.data) rows.push(...body.data);
    if (!body.nextUri) return { rows };
    res = await fetch(body.nextUri, { headers });
  }
}

async function ok(user: string, sql: string): Promise<unknown[][]> {
  const answer = await trino(user, sql);
  if (answer.error) throw new Error(`${sql}: ${answer.error.message}`);
  return answer.rows;
}

/** A statement the way the SQL guard hands it over, each `"name"` a dataset reference. */
function statement(sql: string, names: string[]): GuardedStatement {
  const references: GuardedStatement['references'] = [];
  for (const name of names) {
    const quoted = `"${name}"`;
    for (
      let at = sql.indexOf(quoted);
      at >= 0;
      at = sql.indexOf(quoted, at + 1)
    )
      references.push({ name, start: at, end: at + quoted.length });
  }
  return { sql, references };
}

function readTrinoConfig(user: string): TrinoEngineConfig {
  const config = readQueryConfig(
    new ConfigReader({
      kamlD: {
        query: {
          trino: {
            server: rigEnv('KAML_RIG_TRINO_URL'),
            catalog: 'hive',
            schema: rigEnv('KAML_RIG_TRINO_SCHEMA'),
            user,
          },
        },
      },
    }),
  );
  if (!config.trino) throw new Error('kamlD.query.trino was not read');
  return config.trino;
}

describe('Trino sandbox on the rig: the portal user reads the configured datasets only', () => {
  const admin = rigEnv('KAML_RIG_TRINO_ADMIN_USER');
  const reader = rigEnv('KAML_RIG_TRINO_USER');
  const suffix = `${Date.now()}_${process.pid}`;
  const schema = 'kaml_attack';
  const table = `target_${suffix}`;
  const qualified = `hive.${schema}.${table}`;
  const source: TableDatasetSource = {
    kind: 'table',
    name: 'target',
    catalog: 'hive',
    schema,
    table,
  };
  const limits = { maxRows: 100, timeoutMs: 30_000 };
  let engine: TrinoQueryEngine;

  const count = async () =>
    (await ok(admin, `SELECT count(*) FROM ${qualified}`))[0][0];

  beforeAll(async () => {
    await ok(admin, `CREATE SCHEMA IF NOT EXISTS hive.${schema}`);
    await ok(
      admin,
      `CREATE TABLE ${qualified} AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) t(id, v)`,
    );
    engine = new TrinoQueryEngine(readTrinoConfig(reader));
  });

  afterAll(async () => {
    await trino(admin, `DROP TABLE IF EXISTS ${qualified}`);
  });

  describe('Trino itself refuses the portal user (straight to Trino, no KAML-D in between)', () => {
    it.each([
      ['INSERT', `INSERT INTO ${qualified} VALUES (4, 'd')`],
      [
        'CREATE TABLE AS',
        `CREATE TABLE hive.${schema}.copy_${suffix} AS SELECT * FROM ${qualified}`,
      ],
      ['DROP', `DROP TABLE ${qualified}`],
      ['DELETE', `DELETE FROM ${qualified}`],
      [
        'ALTER',
        `ALTER TABLE ${qualified} RENAME TO hive.${schema}.moved_${suffix}`,
      ],
      ['CREATE SCHEMA', `CREATE SCHEMA hive.attack_${suffix}`],
      [
        'CALL of a connector procedure',
        `CALL hive.system.drop_stats(schema_name => '${schema}', table_name => '${table}')`,
      ],
    ])(
      'attack: %s by the portal user is refused by Trino',
      async (_kind, sql) => {
        const answer = await trino(reader, sql);
        expect(answer.error?.message).toMatch(/Access Denied/i);
        // the dataset still holds the three rows it was created with
        expect(await count()).toBe(3);
      },
    );

    it.each([
      ['system.runtime.nodes', 'SELECT * FROM system.runtime.nodes'],
      ['system.runtime.queries', 'SELECT query FROM system.runtime.queries'],
      ['system.metadata.catalogs', 'SELECT * FROM system.metadata.catalogs'],
      ['another catalog', 'SELECT * FROM restricted.tiny.nation'],
      [
        'another schema of the dataset catalog',
        `SELECT * FROM hive.attack_other_${suffix}.t`,
      ],
    ])(
      'attack: reading %s as the portal user is refused by Trino',
      async (_what, sql) => {
        const answer = await trino(reader, sql);
        expect(answer.error?.message).toMatch(
          /Access Denied|does not exist|not found/i,
        );
        expect(answer.rows).toEqual([]);
      },
    );

    it('attack: the portal user sees no other catalog', async () => {
      const catalogs = (await ok(reader, 'SHOW CATALOGS')).map(r => r[0]);
      expect(catalogs.sort()).toEqual(['hive', 'tpch']);
    });

    it('the portal user reads the dataset and information_schema (discovery) of the configured schemas', async () => {
      expect(
        await ok(reader, `SELECT id, v FROM ${qualified} ORDER BY id`),
      ).toEqual([
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
      ]);
      const tables = await ok(
        reader,
        `SELECT table_name FROM hive.information_schema.tables WHERE table_schema = '${schema}'`,
      );
      expect(tables.map(r => r[0])).toContain(table);
    });
  });

  describe('the engine runs one read-only query and nothing else', () => {
    it.each([
      ['INSERT', 'INSERT INTO "target" SELECT * FROM "target"'],
      ['DELETE', 'DELETE FROM "target"'],
      [
        'CREATE TABLE AS',
        `CREATE TABLE hive.${schema}.copy2_${suffix} AS SELECT * FROM "target"`,
      ],
      [
        'EXPLAIN ANALYZE of a write',
        'EXPLAIN ANALYZE INSERT INTO "target" SELECT * FROM "target"',
      ],
      [
        'a write after a comment ended by \\r',
        `-- note\rINSERT INTO "target" SELECT * FROM "target"`,
      ],
      ['DROP', 'DROP TABLE "target"'],
      ['SET SESSION', "SET SESSION query_max_memory = '1TB'"],
      ['SHOW', 'SHOW TABLES'],
    ])(
      'attack: %s through the engine is refused before Trino runs it',
      async (_kind, sql) => {
        await expect(
          engine.query(statement(sql, ['target']), [source], limits),
        ).rejects.toMatchObject({ name: 'InputError' });
        expect(await count()).toBe(3);
      },
    );

    it.each([
      // Trino's access control refuses the plan itself: NotAllowedError
      [
        'system.runtime.nodes hidden after a \\r comment',
        'SELECT count(*) FROM "target" --\rUNION ALL SELECT count(*) FROM system.runtime.nodes',
        'NotAllowedError',
      ],
      [
        'system.metadata through a subquery',
        'SELECT count(*) FROM "target" WHERE id IN (SELECT 1 FROM system.metadata.catalogs)',
        'NotAllowedError',
      ],
      // readable by the portal user (discovery, other datasets) but not named: the plan check
      [
        'information_schema',
        'SELECT count(*) FROM "target" CROSS JOIN hive.information_schema.tables',
        'InputError',
      ],
      [
        'another catalog',
        'SELECT count(*) FROM "target" CROSS JOIN tpch.tiny.nation',
        'InputError',
      ],
      [
        'a table function',
        'SELECT * FROM TABLE(exclude_columns(input => TABLE(tpch.tiny.nation), columns => DESCRIPTOR(comment)))',
        'InputError',
      ],
    ])(
      'attack: %s through the engine is refused',
      async (_what, sql, error) => {
        await expect(
          engine.query(statement(sql, ['target']), [source], limits),
        ).rejects.toMatchObject({ name: error });
      },
    );

    it('attack: a query over the memory, time or result-size limit is stopped, not run unbounded', async () => {
      const lineitem: TableDatasetSource = {
        kind: 'table',
        name: 'lineitem',
        catalog: 'tpch',
        schema: 'sf1',
        table: 'lineitem',
      };
      const small = new TrinoQueryEngine(
        { ...readTrinoConfig(reader), maxMemory: '1MB' },
        { maxResultBytes: 64 * 1024 },
      );
      await expect(
        small.query(
          statement('SELECT count(DISTINCT comment) FROM "lineitem"', [
            'lineitem',
          ]),
          [lineitem],
          limits,
        ),
      ).rejects.toThrow(/needed more memory than Trino gives it/);
      await expect(
        engine.query(
          statement(
            'SELECT count(*) FROM "lineitem" a CROSS JOIN "lineitem" b',
            ['lineitem'],
          ),
          [lineitem],
          { maxRows: 10, timeoutMs: 2000 },
        ),
      ).rejects.toThrow(/ran longer than 2 s/);
      // one value far over the byte cap: refused before it is held whole in memory
      await expect(
        small.query(
          statement("SELECT lpad('', 10000000, 'x') FROM \"target\"", [
            'target',
          ]),
          [source],
          limits,
        ),
      ).rejects.toThrow(
        /returns more than 65536 bytes \(kamlD.query.maxResultBytes\) within its first 1 rows/,
      );
      await expect(
        small.query(
          statement('SELECT comment FROM "lineitem"', ['lineitem']),
          [lineitem],
          { ...limits, maxRows: 10_000 },
        ),
      ).rejects.toThrow(/returns more than 65536 bytes/);
      // a result within the cap still comes back whole
      const fits = await small.query(
        statement('SELECT id, v FROM "target" ORDER BY id', ['target']),
        [source],
        limits,
      );
      expect(fits.rows).toEqual([
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
      ]);
    });

    it('runs ordinary queries, previews and schemas of the dataset', async () => {
      const result = await engine.query(
        statement(
          'WITH t AS (SELECT * FROM "target") SELECT v, id * 2 AS twice FROM t ORDER BY id DESC',
          ['target'],
        ),
        [source],
        limits,
      );
      expect(result.rows).toEqual([
        ['c', 6],
        ['b', 4],
        ['a', 2],
      ]);
      const preview = await engine.preview(source, { ...limits, maxRows: 2 });
      expect(preview.rows).toHaveLength(2);
      expect(preview.truncated).toBe(true);
      expect((await engine.schema(source, limits)).map(c => c.name)).toEqual([
        'id',
        'v',
      ]);
    });
  });
});
