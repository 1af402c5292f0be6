// Trino through presto-client with engine 'trino', the client of KAML-D's Trino query engine:
// Hive tables over the demo datasets in MinIO (file metastore in MinIO too) and the tpch catalog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import presto from 'presto-client';
import { requireEnv } from './env.ts';

interface Column {
  name: string;
  type: string;
}
interface Result {
  columns: Column[];
  rows: unknown[][];
}

function query(sql: string, catalog = requireEnv('KAML_RIG_TRINO_CATALOG'), schema = requireEnv('KAML_RIG_TRINO_SCHEMA')): Promise<Result> {
  const client = new presto.Client({
    host: requireEnv('KAML_RIG_TRINO_HOST'),
    port: Number(requireEnv('KAML_RIG_TRINO_PORT')),
    user: requireEnv('KAML_RIG_TRINO_USER'),
    source: 'kaml-d-rig-test',
    engine: 'trino',
    timeout: 120,
  });
  return new Promise((resolve, reject) => {
    let columns: Column[] = [];
    const rows: unknown[][] = [];
    client.execute({
      query: sql,
      catalog,
      schema,
      columns: (_err: unknown, cols: Column[]) => {
        columns = cols;
      },
      data: (_err: unknown, data: unknown[][]) => {
        rows.push(...data);
      },
      success: () => resolve({ columns, rows }),
      error: (err: { message?: string }) => reject(new Error(`${sql}: ${err?.message ?? JSON.stringify(err)}`)),
    });
  });
}

test('information_schema lists the Hive tables over the seeded datasets', async () => {
  const { rows } = await query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'kaml' ORDER BY table_name",
  );
  assert.deepEqual(rows.map(r => r[0]), [
    'agriculture_yields',
    'clickstream_events',
    'customer_churn',
    'finance_transactions',
    'traffic_counts',
    'weather_observations',
  ]);
});

test('CSV table over s3://kaml-datasets/finance-transactions/ (two files, headers skipped)', async () => {
  const { columns, rows } = await query(
    "SELECT count(*) AS n, count_if(is_fraud = 'true') AS fraud, round(sum(CAST(amount AS double)), 2) AS total FROM finance_transactions",
  );
  assert.deepEqual(columns.map(c => c.name), ['n', 'fraud', 'total']);
  const [n, fraud, total] = rows[0] as [number, number, number];
  assert.equal(n, 5000);
  assert.ok(fraud > 10 && fraud < 500, `fraud count ${fraud}`);
  assert.ok(total > 100_000, `total ${total}`);
  const pii = await query('SELECT card_holder, email FROM finance_transactions ORDER BY transaction_id LIMIT 3');
  assert.equal(pii.rows.length, 3);
  assert.match(String(pii.rows[0][1]), /@example\.com$/);
});

test('Parquet tables are typed and aggregate', async () => {
  const { columns, rows } = await query(
    'SELECT station_id, sum(vehicles) AS vehicles, max(hour) AS last_hour FROM traffic_counts GROUP BY station_id ORDER BY station_id',
  );
  assert.equal(rows.length, 8);
  assert.equal(columns.find(c => c.name === 'vehicles')?.type, 'bigint');
  assert.match(columns.find(c => c.name === 'last_hour')?.type ?? '', /^timestamp/);
  assert.ok((rows[0][1] as number) > 1000);

  const yields = await query('SELECT crop, round(avg(yield_t_ha), 2) FROM agriculture_yields GROUP BY crop ORDER BY 2 DESC');
  assert.equal(yields.rows[0][0], 'potato');
});

test('JSON lines table and a join with tpch', async () => {
  const events = await query("SELECT event_type, count(*) FROM clickstream_events WHERE device = 'mobile' GROUP BY 1 ORDER BY 2 DESC");
  assert.ok(events.rows.length >= 5);
  assert.equal(events.rows[0][0], 'page_view');

  const nation = await query('SELECT count(*) FROM nation', 'tpch', 'tiny');
  assert.equal(nation.rows[0][0], 25);
  const joined = await query(
    "SELECT r.name, count(*) FROM tpch.tiny.nation n JOIN tpch.tiny.region r ON n.regionkey = r.regionkey GROUP BY r.name ORDER BY r.name",
  );
  assert.deepEqual(joined.rows.map(r => r[0]), ['AFRICA', 'AMERICA', 'ASIA', 'EUROPE', 'MIDDLE EAST']);
});

test('a bad query fails with Trino’s error message', async () => {
  await assert.rejects(query('SELECT no_such_column FROM finance_transactions'), /no_such_column/);
});

// The portal's Trino user (KAML_RIG_TRINO_USER) under the rig's file-based access control
// (e2e/rig/config/trino/rules.json.in): read-only on hive and tpch, nothing else.
test('attack: the portal user cannot write a dataset table, even straight to Trino', async () => {
  const before = (await query('SELECT count(*) FROM finance_transactions')).rows[0][0];
  for (const sql of [
    'INSERT INTO finance_transactions SELECT * FROM finance_transactions',
    'DELETE FROM finance_transactions',
    'DROP TABLE finance_transactions',
    'CREATE TABLE stolen AS SELECT * FROM finance_transactions',
    'ALTER TABLE finance_transactions RENAME TO gone',
  ]) {
    await assert.rejects(query(sql), /Access Denied/, sql);
  }
  assert.equal((await query('SELECT count(*) FROM finance_transactions')).rows[0][0], before);
});

test('attack: the portal user cannot read system tables or unconfigured catalogs', async () => {
  for (const sql of [
    'SELECT * FROM system.runtime.nodes',
    'SELECT * FROM system.runtime.queries',
    'SELECT * FROM system.metadata.catalogs',
    'SELECT * FROM restricted.tiny.nation',
  ]) {
    await assert.rejects(query(sql), /Access Denied: Cannot access catalog/, sql);
  }
  const catalogs = (await query('SHOW CATALOGS')).rows.map(r => r[0]);
  assert.deepEqual(catalogs.sort(), ['hive', 'tpch']);
});
