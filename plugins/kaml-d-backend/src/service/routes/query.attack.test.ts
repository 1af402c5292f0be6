import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startKamlDTestBackend } from '../../__testUtils__/bindings';

const READER = mockCredentials.user.header('user:default/reader');

/**
 * The attacks of issue #19 part 1 as they were made: over HTTP, by a user with read permission
 * on one dataset, against the embedded portal (file storage, DuckDB).
 */
describe('POST /api/kaml-d/query: read-only SQL over HTTP', () => {
  let root: string;
  let salesFile: string;
  const salesBytes = Buffer.from('id,region,amount\n1,north,10\n2,south,20\n');
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-query-attack-'));
    const folder = join(root, 'storage', 'kaml-datasets', 'sales');
    await mkdir(folder, { recursive: true });
    salesFile = join(folder, 'q1.csv');
    await writeFile(salesFile, salesBytes);
    ({ server } = await startKamlDTestBackend({
      root,
      // the folder is bound to the dataset by the admin (data routes serve bound datasets)
      bindings: {
        mappings: [
          {
            entityRef: 'dataset:default/sales',
            location: 's3://kaml-datasets/sales/',
            owner: 'group:default/data',
          },
        ],
      },
      entities: [
        {
          apiVersion: 'kaml-d.io/v1alpha1',
          kind: 'Dataset',
          metadata: { name: 'sales', namespace: 'default' },
          spec: {
            owner: 'group:default/data',
            lifecycle: 'production',
            format: 'csv',
            location: 's3://kaml-datasets/sales/',
          },
        },
      ],
      features: [
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    }));
  });

  // an attack that got through must not decide the next test's outcome
  beforeEach(async () => {
    await writeFile(salesFile, salesBytes);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const query = (sql: string) =>
    request(server)
      .post('/api/kaml-d/query')
      .set('Authorization', READER)
      .send({ sql });

  /**
   * `statement` behind a `--` comment that DuckDB ends at the \r and the old guard only at the
   * \n: the guard saw `SELECT * FROM sales WHERE true`, DuckDB (inside the engine's
   * `SELECT * FROM (…) AS kaml_result` wrapper) three statements, the hidden one second.
   */
  const hidden = (statement: string) =>
    `SELECT * FROM sales -- totals\r) AS a; ${statement}; SELECT * FROM (SELECT * FROM sales --\n WHERE true`;

  /** Runs `sql`: the dataset's file must be unchanged and the answer a 400 without server paths. */
  async function refusal(sql: string): Promise<string> {
    const res = await query(sql);
    expect((await readFile(salesFile)).toString()).toBe(salesBytes.toString());
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toContain(root);
    return String(res.body?.error?.message);
  }

  it('attack: a -- comment ended by \\r cannot hide a COPY that overwrites the queried dataset file', async () => {
    expect(
      await refusal(
        hidden(
          `COPY (SELECT 'owned' AS id) TO '${salesFile}' (HEADER false, USE_TMP_FILE false)`,
        ),
      ),
    ).toMatch(/one statement|read-only|not valid SQL/);
  });

  it('attack: a \\r-ended comment cannot hide CREATE, SET VARIABLE or LOAD', async () => {
    for (const statement of [
      'CREATE MACRO owned(x) AS x',
      'SET VARIABLE owned = 1',
      'LOAD json',
    ]) {
      expect(await refusal(hidden(statement))).toMatch(
        /one statement|read-only|not valid SQL/,
      );
    }
  });

  it('attack: a no-break space after FROM does not let a system table function through', async () => {
    expect(
      await refusal(
        "SELECT value FROM\u00a0duckdb_settings() WHERE name = 'allowed_paths'",
      ),
    ).toMatch(/duckdb_settings/);
  });

  it('attack: absolute server paths are not readable through settings or variables', async () => {
    expect(
      await refusal("SELECT current_setting('allowed_paths') AS p FROM sales"),
    ).toMatch(/current_setting/);
    expect(
      await refusal("SELECT getvariable('kaml_files_0') AS p FROM sales"),
    ).toMatch(/getvariable/);
  });

  it('still answers an ordinary query over the dataset', async () => {
    const res = await query(
      'WITH s AS (SELECT * FROM sales) SELECT region, sum(amount) AS total FROM s GROUP BY region ORDER BY region',
    );
    expect(res.status).toBe(200);
    expect(res.body.rows).toEqual([
      ['north', 10],
      ['south', 20],
    ]);
  });
});
