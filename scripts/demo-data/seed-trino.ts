// Creates Trino (Hive connector) tables over demo datasets already uploaded to S3 by seed-s3.ts.
//
//   KAML_RIG_TRINO_URL=http://127.0.0.1:28080 \
//     node scripts/demo-data/seed-trino.ts <catalog> <schema> s3://<datasets-bucket> s3://<warehouse>/<schema>
//
// CSV datasets become CSV tables (Hive's CSV format reads varchar columns only), Parquet and JSON
// lines datasets typed tables. A schema location of "-" creates the schema without one (the file
// metastore of Trino 368, the Java-17 fallback of the rig, refuses a location for a schema).
// Tables are dropped and created again on every run, so they follow datasets.ts; dropping an
// external table leaves its objects alone.

import { DEMO_DATASETS, tableName, type DemoDataset } from './datasets.ts';

const TYPES: Record<string, string> = {
  varchar: 'varchar',
  bigint: 'bigint',
  integer: 'integer',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp(3)',
};

const [catalog, schema, datasetsRoot, schemaLocation] = process.argv.slice(2);
const base = process.env.KAML_RIG_TRINO_URL;
if (!catalog || !schema || !datasetsRoot || !schemaLocation || !base) {
  console.error('usage: KAML_RIG_TRINO_URL=… node scripts/demo-data/seed-trino.ts <catalog> <schema> s3://<bucket> s3://<warehouse>/<schema>|-');
  process.exit(2);
}

/** Runs one statement; retries while the just-started coordinator has no active node yet. */
async function run(sql: string): Promise<unknown[][]> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      return await runOnce(sql);
    } catch (e) {
      if (!/No nodes available/i.test(String(e)) || Date.now() > deadline) throw e;
      await new Promise(r => setTimeout(r, 1000));
    }
  }
}

/** Runs one statement through Trino's client protocol and returns its rows. */
async function runOnce(sql: string): Promise<unknown[][]> {
  const headers = { 'X-Trino-User': 'kaml-seed', 'X-Trino-Source': 'kaml-d-demo-data' };
  let res = await fetch(new URL('/v1/statement', base), { method: 'POST', headers, body: sql });
  const rows: unknown[][] = [];
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (!res.ok) throw new Error(`${sql}: HTTP ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { nextUri?: string; data?: unknown[][]; error?: { message: string } };
    if (body.error) throw new Error(`${sql}: ${body.error.message}`);
    if (body.data) rows.push(...body.data);
    if (!body.nextUri) return rows;
    if (Date.now() > deadline) throw new Error(`${sql}: timed out`);
    res = await fetch(body.nextUri, { headers });
  }
}

function ident(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

function tableDdl(ds: DemoDataset): string | undefined {
  if (!ds.columns) return undefined;
  const location = `${datasetsRoot.replace(/\/$/, '')}/${ds.name}/`;
  const name = `${ident(catalog)}.${ident(schema)}.${ident(tableName(ds.name))}`;
  if (ds.format === 'csv') {
    const cols = ds.columns.map(c => `${ident(c.name)} varchar`).join(', ');
    return `CREATE TABLE ${name} (${cols}) WITH (external_location = '${location}', format = 'CSV', skip_header_line_count = 1)`;
  }
  const cols = ds.columns.map(c => `${ident(c.name)} ${TYPES[c.type]}`).join(', ');
  const format = ds.format === 'parquet' ? 'PARQUET' : ds.format === 'jsonl' ? 'JSON' : undefined;
  if (!format) return undefined;
  return `CREATE TABLE ${name} (${cols}) WITH (external_location = '${location}', format = '${format}')`;
}

const started = Date.now();
const schemaWith = schemaLocation === '-' ? '' : ` WITH (location = '${schemaLocation}')`;
await run(`CREATE SCHEMA IF NOT EXISTS ${ident(catalog)}.${ident(schema)}${schemaWith}`);
const created: string[] = [];
for (const ds of DEMO_DATASETS) {
  const ddl = tableDdl(ds);
  if (!ddl) continue;
  await run(`DROP TABLE IF EXISTS ${ident(catalog)}.${ident(schema)}.${ident(tableName(ds.name))}`);
  await run(ddl);
  created.push(tableName(ds.name));
}
// every table answers: a cheap count each
const counts: string[] = [];
for (const t of created) {
  const [[n]] = await run(`SELECT count(*) FROM ${ident(catalog)}.${ident(schema)}.${ident(t)}`);
  counts.push(`${t}=${n}`);
}
console.log(`seed-trino: ${catalog}.${schema}: ${counts.join(', ')} (${Date.now() - started} ms)`);
