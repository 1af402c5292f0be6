/**
 * Statements Trino discovery sends: `TrinoDatasetProvider` (one information_schema.schemata
 * query, then one information_schema.columns query per schema) vs the per-table way (the schema
 * listing, one table listing per schema, one columns query per table), in the same run.
 *
 * Simulated Trino (always): SCHEMAS schemas of TABLES tables with COLUMNS columns, answered in
 * process, so the counts and the provider's own overhead are measured without a server. With
 * KAML_RIG_TRINO_URL set (source the rig's env file), the same comparison also runs against the
 * rig's Trino over the `tpch` catalog's `tiny` and `sf1` schemas, timed.
 *
 * Ends with `discovery-trino: <provider statements / per-table statements>` (lower is better;
 * the target is provider statements ≤ schemas + 1).
 */
import { loadDiscoveryLib, quietLogger, requireFromRoot } from './discovery-build.ts';

const SCHEMAS = Number(process.env.KAML_BENCH_TRINO_SCHEMAS ?? 5);
const TABLES = Number(process.env.KAML_BENCH_TRINO_TABLES ?? 200);
const COLUMNS = Number(process.env.KAML_BENCH_TRINO_COLUMNS ?? 12);

const lib = loadDiscoveryLib();
const { ConfigReader } = requireFromRoot('@backstage/config');

type Run = (sql: string) => Promise<unknown[][]>;

function simulated(): Run {
  const schemas = Array.from({ length: SCHEMAS }, (_, s) => `schema_${s}`);
  return async sql => {
    if (sql.includes('information_schema.schemata')) return schemas.map(s => [s]);
    const schema = /table_schema = '([^']*)'/.exec(sql)?.[1] ?? '';
    const table = /table_name = '([^']*)'/.exec(sql)?.[1];
    if (sql.includes('information_schema.tables')) return Array.from({ length: TABLES }, (_, t) => [`table_${t}`]);
    const tables = table ? [table] : Array.from({ length: TABLES }, (_, t) => `table_${t}`);
    return tables.flatMap(t => Array.from({ length: COLUMNS }, (_, c) => (table ? [`col_${c}`, 'bigint'] : [t, `col_${c}`, 'bigint']))).filter(() => schema !== '');
  };
}

async function viaProvider(run: Run, entry: Record<string, unknown>) {
  let statements = 0;
  const [provider] = lib.TrinoDatasetProvider.fromConfig(
    new ConfigReader({ catalog: { providers: { kamlD: { trino: [{ id: 'bench', server: 'http://127.0.0.1:1', ...entry }] } } } }),
    {
      logger: quietLogger,
      auth: { getOwnServiceCredentials: async () => ({}) },
      catalog: { getEntities: async () => ({ items: [] }) },
      schedule: { run: async () => {} },
      runner: () => (sql: string) => {
        statements++;
        return run(sql);
      },
    },
  );
  await provider.connect({ applyMutation: async () => {}, refresh: async () => {} });
  const started = performance.now();
  const result = await provider.refresh(quietLogger);
  return { ms: performance.now() - started, statements, tables: result.datasets as number, schemas: result.schemas as number };
}

/** The baseline: list schemas, list each schema's tables, read each table's columns. */
async function perTable(run: Run, catalog: string, only?: string[]) {
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  let statements = 0;
  const exec = (sql: string) => {
    statements++;
    return run(sql);
  };
  const started = performance.now();
  const schemas = only ?? (await exec(`SELECT schema_name FROM "${catalog}".information_schema.schemata WHERE schema_name NOT IN ('information_schema')`)).map(r => String(r[0]));
  let tables = 0;
  for (const schema of schemas) {
    const names = (await exec(`SELECT table_name FROM "${catalog}".information_schema.tables WHERE table_schema = ${q(schema)}`)).map(r => String(r[0]));
    for (const table of names) {
      await exec(`SELECT column_name, data_type FROM "${catalog}".information_schema.columns WHERE table_schema = ${q(schema)} AND table_name = ${q(table)}`);
      tables++;
    }
  }
  return { ms: performance.now() - started, statements, tables, schemas: schemas.length };
}

function show(label: string, r: { ms: number; statements: number; tables: number; schemas: number }) {
  console.log(`${label.padEnd(28)} ${String(r.statements).padStart(6)} statements  ${r.tables} tables in ${r.schemas} schemas  ${r.ms.toFixed(0)} ms`);
}

const sim = simulated();
const provider = await viaProvider(sim, { catalog: 'hive' });
const baseline = await perTable(sim, 'hive');
show('simulated, provider', provider);
show('simulated, per table', baseline);
if (provider.statements > provider.schemas + 1) throw new Error(`provider sent ${provider.statements} statements for ${provider.schemas} schemas`);

if (process.env.KAML_RIG_TRINO_URL) {
  const url = new URL(process.env.KAML_RIG_TRINO_URL);
  const user = process.env.KAML_RIG_TRINO_USER ?? 'kaml-d';
  const runner = lib.prestoRunner({ host: url.hostname, port: Number(url.port), ssl: false, user, catalog: 'tpch', queryTimeoutSeconds: 120 });
  const schemas = ['tiny', 'sf1'];
  const real = await viaProvider(runner, { catalog: 'tpch', schemas, user });
  const realBaseline = await perTable(runner, 'tpch', schemas);
  show('rig Trino tpch, provider', real);
  show('rig Trino tpch, per table', realBaseline);
  console.log(`rig Trino time ratio (provider / per table): ${(real.ms / realBaseline.ms).toFixed(2)}`);
}
console.log(`discovery-trino: ${(provider.statements / baseline.statements).toFixed(4)}`);
