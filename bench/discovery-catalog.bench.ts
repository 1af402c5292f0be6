/**
 * Dataset discovery end to end: DATASETS dataset folders holding OBJECTS_PER_DATASET small CSV
 * objects each (file storage adapter) until all DATASETS Dataset entities are stitched in a real
 * Backstage catalog, vs the same datasets as catalog-info.yaml files registered as Locations.
 *
 * Each run is a fresh backend in its own child process (`createBackend` from
 * @backstage/backend-defaults: @backstage/plugin-catalog-backend, the KAML-D catalog module and a
 * probe module), on a fresh SQLite database folder under bench/.out (and, when
 * `KAML_RIG_PG_URL` is set, a second pair of runs on a scratch database of that PostgreSQL,
 * printed separately). Catalog settings are the defaults a production install runs with
 * (app-config.production.yaml sets none of them): processing interval 100–150 s, deferred
 * stitching polled every second, the processing loop's 10 entities in flight, orphan strategy
 * delete; the catalog rules of app-config.yaml allow the Dataset kind.
 *
 * - kaml-d: `catalog.providers.kamlD.objectStore` on `s3://kaml-bench/` of a `file` store; its
 *   schedule is the default one (every 30 min, timeout 10 min) with `initialDelay: 0` instead of
 *   15 s, so the first scan starts when the scheduler first looks (up to 5 s after start) instead
 *   of waiting.
 * - locations (the baseline, what the ratio uses): one static `catalog.locations` entry
 *   `{ type: file, target: <folder>/catalog-info.yaml }` per dataset — how an operator registers
 *   files from config; it is cheaper for the catalog than registering each through the location
 *   service (one HTTP request and one delta mutation per file). The catalog-info.yaml of a
 *   dataset holds the entity the provider emits for that folder (same name, spec, schema,
 *   size annotations), so both runs stitch the same entities.
 * - glob (printed for reference, not the ratio): one Location whose target is a glob over the
 *   10,000 files — one Location entity, all Datasets emitted by its single processing run.
 *
 * The clock of each run starts before `backend.start()` and stops when the catalog API
 * (`queryEntities` with `kind=dataset`, polled every 500 ms through the catalog client) reports
 * DATASETS entities; CPU time (user + system) of the child process over the same span.
 *
 * Usage: node bench/discovery-catalog.bench.ts [datasets] (default 10000; KAML_BENCH_DATASETS
 * too). KAML_BENCH_MODES (default `kaml-d,locations,glob`) and KAML_BENCH_DATABASES (default
 * `sqlite`, plus `postgres` when KAML_RIG_PG_URL is set) choose the runs; the ratio is that of the
 * first database. KAML_BENCH_CPU_PROF=<folder> writes a V8 CPU profile of each run's backend there
 * (`<mode>-<database>-<datasets>.cpuprofile`). Ends with `discovery-catalog: <locations ms / kaml-d ms>` (a speed-up; target ≥ 5, and
 * kaml-d ≤ 120 s at 10,000 datasets).
 */
import { buildSync } from 'esbuild';
import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { out, root } from './metadata-build.ts';
import { quietLogger, requireFromRoot } from './discovery-build.ts';

const BUCKET = 'kaml-bench';
const OBJECTS = Number(process.env.KAML_BENCH_OBJECTS_PER_DATASET ?? 10);
const POLL_MS = 500;
const TIMEOUT_MS = Number(process.env.KAML_BENCH_TIMEOUT_S ?? 3600) * 1000;
const bundle = join(out, 'discovery-catalog-lib.cjs');

type Mode = 'kaml-d' | 'locations' | 'glob';
interface RunResult {
  mode: Mode;
  database: string;
  datasets: number;
  locations: number;
  startedMs: number;
  doneMs: number;
  cpuMs: number;
  scan?: { startMs: number; refreshMs: number; message: string };
  sample: unknown;
}

function paths(datasets: number) {
  const base = join(out, 'discovery-catalog', `n${datasets}`);
  return {
    base,
    store: join(base, 'store'),
    manifests: join(base, 'manifests'),
    done: join(base, `.done-${OBJECTS}`),
  };
}

/** The KAML-D catalog module and what the generator uses, bundled from the workspace sources. */
function buildBundle() {
  mkdirSync(out, { recursive: true });
  const entry = join(out, 'discovery-catalog-entry.ts');
  const plugins = join(root, 'plugins');
  writeFileSync(
    entry,
    [
      `export { default as catalogModuleKamlD, ObjectStoreDatasetProvider } from ${JSON.stringify(join(plugins, 'catalog-backend-module-kaml-d', 'src'))};`,
      `export { FileStorageAdapter } from ${JSON.stringify(join(plugins, 'kaml-d-node', 'src'))};`,
    ].join('\n'),
  );
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outfile: bundle,
    external: ['minio', 'presto-client', '@duckdb/*', '@backstage/*', 'yaml', 'zod'],
    logLevel: 'warning',
  });
}

const loadBundle = () => createRequire(import.meta.url)(bundle);

/**
 * Writes the objects, then one catalog-info.yaml per dataset holding the entity the provider
 * emits for that folder (without the annotations the catalog or the provider set themselves).
 */
async function generate(datasets: number) {
  const { store, manifests, done } = paths(datasets);
  if (existsSync(done)) return;
  const started = performance.now();
  rmSync(paths(datasets).base, { recursive: true, force: true });
  for (let i = 0; i < datasets; i++) {
    const dir = join(store, BUCKET, `ds-${i}`);
    mkdirSync(dir, { recursive: true });
    for (let j = 0; j < OBJECTS; j++) {
      writeFileSync(join(dir, `part-${j}.csv`), `id,name,amount\n${i},n${j},${j}.5\n`);
    }
  }
  const lib = loadBundle();
  const { ConfigReader } = requireFromRoot('@backstage/config');
  const { stringify } = requireFromRoot('yaml');
  let emitted: Array<{ entity: any }> = [];
  const [provider] = lib.ObjectStoreDatasetProvider.fromConfig(
    new ConfigReader({
      catalog: { providers: { kamlD: { objectStore: [{ id: 'bench', location: `s3://${BUCKET}/`, owner: 'data-engineering' }] } } },
    }),
    {
      logger: quietLogger,
      auth: { getOwnServiceCredentials: async () => ({}) },
      catalog: { getEntities: async () => ({ items: [] }) },
      schedule: { run: async () => {} },
      adapter: new lib.FileStorageAdapter(store),
    },
  );
  await provider.connect({
    async applyMutation(mutation: { entities: Array<{ entity: any }> }) {
      emitted = mutation.entities;
    },
    async refresh() {},
  });
  await provider.refresh(quietLogger);
  if (emitted.length !== datasets) throw new Error(`the provider found ${emitted.length} datasets, expected ${datasets}`);
  for (const { entity } of emitted) {
    const annotations = { ...entity.metadata.annotations };
    delete annotations['backstage.io/managed-by-location'];
    delete annotations['backstage.io/managed-by-origin-location'];
    delete annotations['kaml-d.io/discovered-by'];
    const dir = join(manifests, entity.metadata.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'catalog-info.yaml'),
      stringify({ ...entity, metadata: { ...entity.metadata, annotations } }),
    );
  }
  writeFileSync(done, '');
  console.log(
    `generated ${datasets * OBJECTS} objects in ${datasets} datasets and ${datasets} catalog-info.yaml files in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Backend configuration of one run. */
function configOf(mode: Mode, datasets: number, port: number, database: Record<string, unknown>) {
  const { store, manifests } = paths(datasets);
  const kinds = ['Component', 'System', 'API', 'Resource', 'Location', 'Domain', 'Group', 'User', 'Template', 'Dataset', 'Model'];
  const catalog: Record<string, unknown> = { rules: [{ allow: kinds }] };
  if (mode === 'kaml-d') {
    catalog.providers = {
      kamlD: {
        objectStore: [
          {
            id: 'bench',
            location: `s3://${BUCKET}/`,
            owner: 'data-engineering',
            schedule: { frequency: { minutes: 30 }, timeout: { minutes: 10 }, initialDelay: { seconds: 0 } },
          },
        ],
      },
    };
  } else if (mode === 'locations') {
    catalog.locations = Array.from({ length: datasets }, (_, i) => ({
      type: 'file',
      target: join(manifests, `ds-${i}`, 'catalog-info.yaml'),
    }));
  } else {
    catalog.locations = [{ type: 'file', target: join(manifests, '*', 'catalog-info.yaml') }];
  }
  return {
    app: { baseUrl: 'http://127.0.0.1:3000' },
    backend: {
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { port, host: '127.0.0.1' },
      database,
    },
    catalog,
    kamlD: { storage: { adapter: 'file', file: { root: store } } },
  };
}

/** One run, in this (child) process. */
async function child(mode: Mode, datasets: number, dbLabel: string, port: number, resultFile: string, logFile: string) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const log = createWriteStream(logFile);
  let scan: RunResult['scan'];
  const makeLogger = (meta: Record<string, unknown>): any => {
    const write = (level: string) => (message: string, extra?: unknown) => {
      const at = performance.now() - t0;
      log.write(`${(at / 1000).toFixed(3)} ${level} ${JSON.stringify(meta)} ${message}${extra instanceof Error ? ` ${extra.stack}` : extra ? ` ${JSON.stringify(extra)}` : ''}\n`);
      const match = /^Discovered \d+ dataset\(s\) .* in (\d+) ms/.exec(message);
      if (match && !scan) scan = { startMs: at - Number(match[1]), refreshMs: Number(match[1]), message };
    };
    return { error: write('error'), warn: write('warn'), info: write('info'), debug() {}, child: (m: Record<string, unknown>) => makeLogger({ ...meta, ...m }) };
  };

  let database: Record<string, unknown>;
  let dropDatabase = async () => {};
  if (dbLabel === 'postgres') {
    // a scratch database per run (the rig's role may create databases): <prefix>catalog
    const url = new URL(process.env.KAML_RIG_PG_URL!);
    const prefix = `kaml_bench_${process.pid}_`;
    const connection = {
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    };
    database = { client: 'pg', connection, prefix };
    dropDatabase = async () => {
      const knex = requireFromRoot('knex')({ client: 'pg', connection: process.env.KAML_RIG_PG_URL });
      try {
        const { rows } = await knex.raw('select datname from pg_database where datname like ?', [`${prefix}%`]);
        for (const { datname } of rows) await knex.raw('drop database if exists ?? with (force)', [datname]);
      } finally {
        await knex.destroy();
      }
    };
  } else {
    const directory = join(paths(datasets).base, `db-${mode}`);
    rmSync(directory, { recursive: true, force: true });
    database = { client: 'better-sqlite3', connection: { directory } };
  }

  const { createBackend } = requireFromRoot('@backstage/backend-defaults');
  const { coreServices, createServiceFactory, createBackendModule } = requireFromRoot('@backstage/backend-plugin-api');
  const { ConfigReader } = requireFromRoot('@backstage/config');
  const { catalogServiceRef } = requireFromRoot('@backstage/plugin-catalog-node');
  const lib = loadBundle();
  const config = new ConfigReader(configOf(mode, datasets, port, database));
  let probe: { catalog: any; auth: any } | undefined;

  const backend = createBackend();
  backend.add(createServiceFactory({ service: coreServices.rootConfig, deps: {}, factory: () => config }));
  backend.add(createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => makeLogger({}) }));
  backend.add(requireFromRoot('@backstage/plugin-catalog-backend').default);
  backend.add(lib.catalogModuleKamlD);
  backend.add(
    createBackendModule({
      pluginId: 'catalog',
      moduleId: 'bench-probe',
      register(reg: any) {
        reg.registerInit({
          deps: { catalog: catalogServiceRef, auth: coreServices.auth },
          async init(deps: { catalog: any; auth: any }) {
            probe = deps;
          },
        });
      },
    }),
  );
  await backend.start();
  const startedMs = performance.now() - t0;
  if (!probe) throw new Error('the probe module did not start');
  const credentials = await probe.auth.getOwnServiceCredentials();
  const count = async (kind: string) =>
    (await probe!.catalog.queryEntities({ filter: { kind }, limit: 1 }, { credentials })).totalItems as number;
  let seen = 0;
  let lastReport = 0;
  for (;;) {
    seen = await count('dataset').catch(() => seen);
    const now = performance.now() - t0;
    if (seen >= datasets) break;
    if (now > TIMEOUT_MS) throw new Error(`${mode}: only ${seen} of ${datasets} datasets stitched after ${(now / 1000).toFixed(0)} s`);
    if (now - lastReport > 15_000) {
      lastReport = now;
      process.stdout.write(`  ${mode} ${dbLabel}: ${seen} datasets stitched at ${(now / 1000).toFixed(0)} s\n`);
    }
    await new Promise(r => setTimeout(r, POLL_MS));
  }
  const doneMs = performance.now() - t0;
  const used = process.cpuUsage(cpu0);
  const locations = await count('location');
  const { items } = await probe.catalog.getEntitiesByRefs({ entityRefs: ['dataset:default/ds-0'] }, { credentials });
  const result: RunResult = {
    mode,
    database: dbLabel,
    datasets: seen,
    locations,
    startedMs,
    doneMs,
    cpuMs: (used.user + used.system) / 1000,
    scan,
    // what both runs must agree on: the spec, the relations and the figures discovery measured
    // (the location annotations differ by design: provider vs file)
    sample: items[0] && {
      spec: items[0].spec,
      relations: items[0].relations,
      figures: Object.fromEntries(
        Object.entries(items[0].metadata.annotations ?? {}).filter(([key]) => key.startsWith('kaml-d.io/') && key !== 'kaml-d.io/discovered-by'),
      ),
    },
  };
  writeFileSync(resultFile, JSON.stringify(result));
  await backend.stop().catch(() => undefined);
  await dropDatabase().catch(error => console.error(`could not drop the scratch database: ${error}`));
  log.end();
  process.exit(0);
}

/** Runs one mode in a child process and returns its figures. */
async function run(mode: Mode, datasets: number, dbLabel: string): Promise<RunResult> {
  const { base } = paths(datasets);
  const resultFile = join(base, `result-${mode}-${dbLabel}.json`);
  const logFile = join(base, `backend-${mode}-${dbLabel}.log`);
  rmSync(resultFile, { force: true });
  const port = await freePort();
  const code = await new Promise<number | null>(resolve => {
    const profile = process.env.KAML_BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.KAML_BENCH_CPU_PROF}`, `--cpu-prof-name=${mode}-${dbLabel}-${datasets}.cpuprofile`]
      : [];
    const proc = spawn(process.execPath, [...profile, import.meta.filename, '--child', mode, String(datasets), dbLabel, String(port), resultFile, logFile], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    proc.on('exit', resolve);
  });
  if (code !== 0 || !existsSync(resultFile)) throw new Error(`${mode} run on ${dbLabel} failed (exit ${code}); see ${logFile}`);
  return JSON.parse(readFileSync(resultFile, 'utf8'));
}

function describe(r: RunResult) {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const scan = r.scan ? `; provider scan started at ${s(r.scan.startMs)}, took ${r.scan.refreshMs} ms; stitched ${s(r.doneMs - r.scan.startMs)} after the scan started` : '';
  return `${r.mode.padEnd(9)} ${s(r.doneMs).padStart(8)} wall, CPU ${s(r.cpuMs)}, ${((r.datasets / r.doneMs) * 1000).toFixed(0)} datasets/s, ${r.locations} Location entities (backend started at ${s(r.startedMs)}${scan})`;
}

async function main() {
  const datasets = Number(process.argv[2] ?? process.env.KAML_BENCH_DATASETS ?? 10_000);
  if (!Number.isInteger(datasets) || datasets <= 0) throw new Error(`datasets must be a positive whole number, got ${process.argv[2]}`);
  buildBundle();
  await generate(datasets);
  console.log(`${datasets} datasets, ${datasets * OBJECTS} objects (${OBJECTS} CSV objects a dataset), file storage adapter; load average before: ${loadavg().map(x => x.toFixed(1)).join(' ')}`);
  const databases = (process.env.KAML_BENCH_DATABASES ?? `sqlite${process.env.KAML_RIG_PG_URL ? ',postgres' : ''}`).split(',');
  const modes = new Set((process.env.KAML_BENCH_MODES ?? 'kaml-d,locations,glob').split(','));
  if (!modes.has('kaml-d') || !modes.has('locations')) throw new Error('KAML_BENCH_MODES must include kaml-d and locations (the ratio)');
  let ratio = NaN;
  for (const db of databases) {
    console.log(`--- ${db}`);
    const k = await run('kaml-d', datasets, db);
    console.log(describe(k));
    const l = await run('locations', datasets, db);
    console.log(describe(l));
    const g = modes.has('glob') ? await run('glob', datasets, db) : undefined;
    if (g) console.log(describe(g));
    const same = JSON.stringify(k.sample) === JSON.stringify(l.sample);
    console.log(`ds-0 stitched by kaml-d and by its Location: ${same ? 'same spec, relations and kaml-d.io figures' : `DIFFERENT\n  kaml-d:    ${JSON.stringify(k.sample)}\n  locations: ${JSON.stringify(l.sample)}`}`);
    const r = l.doneMs / k.doneMs;
    console.log(`${db}: locations / kaml-d ${r.toFixed(2)} (CPU ${(l.cpuMs / k.cpuMs).toFixed(2)})${g ? `; glob Location / kaml-d ${(g.doneMs / k.doneMs).toFixed(2)}` : ''}; kaml-d ${datasets} datasets stitched in ${(k.doneMs / 1000).toFixed(1)} s (target ≤ 120 s at 10,000)`);
    if (Number.isNaN(ratio)) ratio = r;
  }
  console.log(`load average after: ${loadavg().map(x => x.toFixed(1)).join(' ')}`);
  console.log(`discovery-catalog: ${ratio.toFixed(2)}`);
}

if (process.argv[2] === '--child') {
  const [, , , mode, datasets, dbLabel, port, resultFile, logFile] = process.argv;
  child(mode as Mode, Number(datasets), dbLabel, Number(port), resultFile, logFile).catch(error => {
    console.error(error);
    process.exit(1);
  });
} else {
  await main();
}
