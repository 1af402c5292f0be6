/**
 * workbench-scale: the Workbench's datasets table at 10k and 100k Dataset entities, in a real
 * Backstage catalog on the rig's PostgreSQL (bench/workbench-scale-catalog.ts, a child process;
 * every entity added through the catalog's own processing and stitching by a bulk entity
 * provider, 1,000 entities a delta mutation). Each size has its catalog database
 * (`kaml_bench_wbscale_<size>_catalog`), kept for the next run, which only adds what is missing
 * (KAML_BENCH_FRESH=1 starts them again, KAML_BENCH_DROP_DB=1 drops them at the end).
 *
 * This process is the browser: `CatalogClient` of @backstage/catalog-client (what `catalogApiRef`
 * is in the app) over HTTP, with a user-like bearer token and `accept-encoding: gzip, deflate,
 * br`, through a TCP proxy that counts the bytes on the wire both ways. For each size:
 *
 * - new (the panel now): `loadDatasetPage` + `loadDatasetFacets` of
 *   plugins/kaml-d/src/components/WorkbenchPage (bundled from source: the requests the panel
 *   sends) — initial load (default view: page 1 by name, 25 rows, only the shown fields; then the
 *   facets, one request per field, once the rows are there), then a filter change (the most common project, then its most common tag: one page
 *   request); for reference a sort by Modified (two-part query), a name filter and the last page;
 * - old (the panel before): `getEntities({ filter: { kind: 'Dataset' } })` then the old panel's
 *   work before its table showed (rows, project counts and the three filter menus over all rows);
 *   a filter change re-filtered in memory (no request).
 *
 * Time to first rows = from the first request until the rows of the table are in memory (React
 * rendering is not measured, for either). Runs: KAML_BENCH_RUNS (5) of each new view,
 * KAML_BENCH_OLD_RUNS (2) of the old load; medians printed, first (cold) run too. Sizes:
 * KAML_BENCH_SIZES (10000,100000). Last line: `workbench-scale: <old bytes / new bytes, initial
 * load at the largest size>`. Targets: new first rows ≤ 1 s and ≤ 200 kB at 100k, ≥ 20× fewer
 * bytes than loading all.
 */
import { buildSync } from 'esbuild';
import { ChildProcess, fork } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createConnection, createServer, Server } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { out, root } from './metadata-build.ts';
import { rigEnv } from './rig.ts';
import { BENCH_TOKEN } from './workbench-scale-catalog.ts';

const requireFromRoot = createRequire(join(root, 'package.json'));
const SIZES = (process.env.KAML_BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const RUNS = Number(process.env.KAML_BENCH_RUNS ?? 5);
const OLD_RUNS = Number(process.env.KAML_BENCH_OLD_RUNS ?? 2);
/** One catalog database per size (`kaml_bench_wbscale_<size>_catalog`), so each is reused as it is. */
const prefixOf = (size: number) => `kaml_bench_wbscale_${size}_`;
const bundle = join(out, 'workbench-scale-lib.cjs');

function buildBundle() {
  mkdirSync(out, { recursive: true });
  const entry = join(out, 'workbench-scale-entry.ts');
  const page = join(root, 'plugins', 'kaml-d', 'src', 'components', 'WorkbenchPage');
  writeFileSync(
    entry,
    [
      `export { KamlDEntitiesProcessor } from ${JSON.stringify(join(root, 'plugins', 'catalog-backend-module-kaml-d', 'src', 'processor', 'KamlDEntitiesProcessor'))};`,
      `export { readDatasetBindingPolicy } from ${JSON.stringify(join(root, 'plugins', 'kaml-d-node', 'src'))};`,
      `export { loadDatasetPage, viewFromParams, PAGE_SIZE } from ${JSON.stringify(join(page, 'datasetQuery'))};`,
      `export { loadDatasetFacets } from ${JSON.stringify(join(page, 'datasetFacets'))};`,
    ].join('\n'),
  );
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outfile: bundle,
    external: ['minio', 'presto-client', '@duckdb/*', '@backstage/*', 'yaml', 'zod', 'react', 'react-dom'],
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(bundle);
}

/** A TCP proxy in front of the catalog that counts bytes on the wire. */
function countingProxy(target: number): Promise<{ port: number; down: () => number; up: () => number; server: Server }> {
  let down = 0;
  let up = 0;
  const server = createServer(client => {
    const upstream = createConnection({ host: '127.0.0.1', port: target });
    client.on('data', chunk => {
      up += chunk.length;
      upstream.write(chunk);
    });
    upstream.on('data', chunk => {
      down += chunk.length;
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ port: typeof address === 'object' && address ? address.port : 0, down: () => down, up: () => up, server });
    }),
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

/** Starts the catalog child in `mode` and waits until it serves. */
async function startCatalog(mode: 'seed' | 'serve', port: number, pgUrl: string, size: number): Promise<ChildProcess> {
  const child = fork(join(import.meta.dirname, 'workbench-scale-catalog.ts'), [String(port), pgUrl, prefixOf(size), bundle, mode], {
    execArgv: [...process.execArgv, '--max-old-space-size=6144'],
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', code => reject(new Error(`the catalog exited (${code}) before it served`)));
    child.on('message', (m: any) => m?.ready && resolve());
  });
  return child;
}

async function stopCatalog(child: ChildProcess) {
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.disconnect();
  await exited;
}

/** The old panel's rows and the work it did before its table showed (see DatasetsPanel before). */
function legacyShortRef(ref: string, defaultKind: string, parseEntityRef: any): string {
  try {
    const p = parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' });
    return `${p.kind.toLocaleLowerCase('en-US') === defaultKind ? '' : `${p.kind}:`}${p.namespace === 'default' ? '' : `${p.namespace}/`}${p.name}`;
  } catch {
    return ref;
  }
}
function legacyRows(entities: any[], model: any) {
  return entities
    .filter(e => e.apiVersion === 'kaml-d.io/v1alpha1' && e.kind === 'Dataset')
    .map(e => ({
      entityRef: model.stringifyEntityRef(e),
      name: e.metadata.name,
      title: e.metadata.title ?? e.metadata.name,
      summary: e.metadata.description,
      tags: e.metadata.tags ?? [],
      format: e.spec.format,
      owner: legacyShortRef(e.spec.owner, 'group', model.parseEntityRef),
      project: e.spec.system ? legacyShortRef(e.spec.system, 'system', model.parseEntityRef) : undefined,
      modified: e.metadata.annotations?.['kaml-d.io/last-modified'],
      bytes: e.spec.size?.bytes ?? Number(e.metadata.annotations?.['kaml-d.io/size-bytes']),
    }));
}
function legacyRender(rows: any[], filters: { tag?: string; project?: string }) {
  const distinct = (pick: (r: any) => string[]) => [...new Set(rows.flatMap(pick))].sort((a, b) => a.localeCompare(b));
  const counts = new Map<string, number>();
  for (const r of rows) if (r.project) counts.set(r.project, (counts.get(r.project) ?? 0) + 1);
  const projects = [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  const menus = [distinct(r => r.tags), distinct(r => [r.format]), distinct(r => [r.owner])];
  const shown = rows.filter(r => (!filters.tag || r.tags.includes(filters.tag)) && (!filters.project || r.project === filters.project));
  return { shown, projects, menus };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const kB = (b: number) => `${(b / 1000).toFixed(1)} kB`;
const ms = (x: number) => `${x.toFixed(x < 100 ? 1 : 0)} ms`;

interface Sample { ms: number; allMs: number; down: number; up: number; json: number; requests: number; rows: number; total: number }

async function main() {
  const lib = buildBundle();
  // KAML_BENCH_DATABASE=sqlite checks the bench itself on a SQLite folder (small sizes only)
  const sqlite = process.env.KAML_BENCH_DATABASE === 'sqlite';
  const sqliteDir = (size: number) => join(out, `workbench-scale-sqlite-${size}`);
  const pgUrlOf = (size: number) => (sqlite ? `sqlite:${sqliteDir(size)}` : rigEnv('KAML_RIG_PG_URL', 'postgres'));
  const knex = sqlite ? undefined : requireFromRoot('knex')({ client: 'pg', connection: pgUrlOf(0) });
  const databaseOf = (size: number) => `${prefixOf(size)}catalog`;
  for (const size of SIZES) {
    if (process.env.KAML_BENCH_FRESH === '1') {
      if (knex) await knex.raw('drop database if exists ?? with (force)', [databaseOf(size)]);
      else rmSync(sqliteDir(size), { recursive: true, force: true });
    }
    if (sqlite) mkdirSync(sqliteDir(size), { recursive: true });
  }
  const model = requireFromRoot('@backstage/catalog-model');
  const { CatalogClient } = requireFromRoot('@backstage/catalog-client');
  const port = await freePort();
  const proxy = await countingProxy(port);
  let requests = 0;
  let json = 0;
  const client = new CatalogClient({
    discoveryApi: { getBaseUrl: async () => `http://127.0.0.1:${proxy.port}/api/catalog` },
    fetchApi: {
      fetch: async (input: any, init: any = {}) => {
        const headers = new Headers(init.headers);
        headers.set('authorization', `Bearer ${BENCH_TOKEN}`);
        headers.set('accept-encoding', 'gzip, deflate, br');
        requests += 1;
        const res = await fetch(input, { ...init, headers });
        const body = await res.arrayBuffer();
        json += body.byteLength;
        return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
      },
    },
  });
  const count = async () => (await client.queryEntities({ filter: { kind: 'dataset' }, limit: 0 })).totalItems as number;
  async function measure(fn: () => Promise<{ rowsAt: number; rows: number; total: number }>): Promise<Sample> {
    const [d0, u0, r0, j0] = [proxy.down(), proxy.up(), requests, json];
    const started = performance.now();
    const result = await fn();
    return {
      ms: result.rowsAt - started,
      allMs: performance.now() - started,
      down: proxy.down() - d0,
      up: proxy.up() - u0,
      json: json - j0,
      requests: requests - r0,
      rows: result.rows,
      total: result.total,
    };
  }
  const describe = (label: string, samples: Sample[]) => {
    const m = (f: (s: Sample) => number) => median(samples.map(f));
    console.log(
      `  ${label.padEnd(34)} first rows ${ms(m(s => s.ms)).padStart(9)} (cold ${ms(samples[0].ms)}), all ${ms(m(s => s.allMs))}; ` +
        `${kB(m(s => s.down))} down + ${kB(m(s => s.up))} up on the wire, ${kB(m(s => s.json))} JSON, ${m(s => s.requests)} requests; ${m(s => s.rows)} rows of ${m(s => s.total)}`,
    );
    return { ms: m(s => s.ms), bytes: m(s => s.down + s.up) };
  };

  console.log(`workbench-scale: sizes ${SIZES.join(', ')}, ${RUNS} runs of each new view, ${OLD_RUNS} of the old load; load average ${loadavg().map(x => x.toFixed(1)).join(' ')}`);
  const results: Array<{ size: number; newInitial: { ms: number; bytes: number }; oldInitial: { ms: number; bytes: number } }> = [];
  for (const size of SIZES) {
    // seeding: through the catalog's processing, until the catalog counts `size` Datasets
    const pgUrl = pgUrlOf(size);
    let catalog = await startCatalog('seed', port, pgUrl, size);
    const before = await count();
    if (before < size) {
      const started = performance.now();
      const seeded = new Promise<any>(resolve => catalog.on('message', (m: any) => m?.seeded && resolve(m)));
      catalog.send({ seed: size, from: 0 });
      const { ms: mutationMs } = await seeded;
      let seen = before;
      let report = performance.now();
      while ((seen = await count()) < size) {
        if (performance.now() - report > 30_000) {
          report = performance.now();
          console.log(`  … ${seen} of ${size} Datasets stitched after ${((performance.now() - started) / 1000).toFixed(0)} s`);
        }
        await new Promise(r => setTimeout(r, 1000));
      }
      const s = (performance.now() - started) / 1000;
      console.log(`seeded ${size - before} Datasets (${before} were there) in ${s.toFixed(0)} s (${((size - before) / s).toFixed(0)}/s; provider mutations ${(mutationMs / 1000).toFixed(1)} s)`);
    }
    await stopCatalog(catalog);
    catalog = await startCatalog('serve', port, pgUrl, size);
    const dbBytes = knex ? Number((await knex.raw('select pg_database_size(?) as bytes', [databaseOf(size)])).rows[0].bytes) : NaN;
    console.log(`--- ${await count()} Datasets (catalog database ${sqlite ? 'SQLite' : `${(dbBytes / 1e6).toFixed(0)} MB`}; catalog serving without processing)`);

    const initial: Sample[] = [];
    let facets: any;
    for (let r = 0; r < RUNS; r++) {
      initial.push(
        await measure(async () => {
          // as the panel: the page first, the filters' choices once its rows are there
          const page = await lib.loadDatasetPage(client, lib.viewFromParams(new URLSearchParams()));
          const rowsAt = performance.now();
          facets = await lib.loadDatasetFacets(client);
          return { rowsAt, rows: page.rows.length, total: page.total };
        }),
      );
    }
    const top = (options: Array<{ value: string; count: number }>) => [...options].sort((a, b) => b.count - a.count)[0]?.value;
    const project = top(facets.projects);
    const projectTag = top(
      (await client.getEntityFacets({ filter: { kind: 'dataset', 'relations.partOf': `system:default/${project}` }, facets: ['metadata.tags'] })).facets['metadata.tags'],
    );
    const views: Array<[string, string]> = [
      [`filter change (project, tag)`, `project=${project}&tag=${projectTag}`],
      ['sort by Modified, newest first', 'sort=modified&order=desc'],
      ['name contains "sales"', 'q=sales'],
      ['last page by name', `page=${Math.ceil(facets.total / lib.PAGE_SIZE)}`],
    ];
    console.log(`new (one page of ${lib.PAGE_SIZE}, shown fields only; facets: ${facets.tags.length} tags, ${facets.formats.length} formats, ${facets.owners.length} owners, ${facets.projects.length} projects):`);
    const newInitial = describe('initial load (page + facets)', initial);
    const newFilter: { ms: number; bytes: number; total: number }[] = [];
    for (const [label, query] of views) {
      const samples: Sample[] = [];
      for (let r = 0; r < RUNS; r++) {
        samples.push(
          await measure(async () => {
            const page = await lib.loadDatasetPage(client, lib.viewFromParams(new URLSearchParams(query)));
            return { rowsAt: performance.now(), rows: page.rows.length, total: page.total };
          }),
        );
      }
      newFilter.push({ ...describe(`${label} ?${query}`.slice(0, 60), samples), total: samples[0].total });
    }
    // the catalog's answers must list what the old panel listed
    if (newFilter[1].total !== facets.total) {
      console.log(`  CHECK FAILED: sorted by Modified the table counts ${newFilter[1].total} datasets, not ${facets.total}`);
    }

    const old: Sample[] = [];
    let oldRows: any[] = [];
    for (let r = 0; r < OLD_RUNS; r++) {
      old.push(
        await measure(async () => {
          const { items } = await client.getEntities({ filter: { kind: 'Dataset' } });
          oldRows = legacyRows(items, model);
          const view = legacyRender(oldRows, {});
          return { rowsAt: performance.now(), rows: view.shown.length, total: oldRows.length };
        }),
      );
    }
    console.log('old (every Dataset entity, whole; filtered in the browser):');
    const oldInitial = describe('initial load (all entities)', old);
    const oldFilter = await measure(async () => {
      const view = legacyRender(oldRows, { tag: projectTag, project });
      return { rowsAt: performance.now(), rows: view.shown.length, total: oldRows.length };
    });
    describe('filter change (in memory)', [oldFilter]);
    const same = oldFilter.rows === newFilter[0].total && old[0].total === facets.total;
    console.log(
      `  ${same ? 'same' : 'DIFFERENT'} counts: all ${old[0].total} old vs ${facets.total} new; filtered ${oldFilter.rows} old vs ${newFilter[0].total} new`,
    );
    oldRows = [];

    console.log(
      `ratios at ${size}: initial load old/new bytes ${(oldInitial.bytes / newInitial.bytes).toFixed(1)}×, time to first rows ${(oldInitial.ms / newInitial.ms).toFixed(1)}×; ` +
        `filter change new ${ms(newFilter[0].ms)} and ${kB(newFilter[0].bytes)} vs old ${ms(oldFilter.ms)} and 0 B (the old panel already held every entity); ` +
        `initial + filter change old/new bytes ${(oldInitial.bytes / (newInitial.bytes + newFilter[0].bytes)).toFixed(1)}×`,
    );
    const worst = Math.max(newInitial.ms, newFilter[0].ms);
    const most = Math.max(newInitial.bytes, newFilter[0].bytes);
    console.log(
      `targets at ${size}: first rows ≤ 1 s: ${worst <= 1000 ? 'met' : 'MISSED'} (${ms(worst)}); ≤ 200 kB: ${most <= 200_000 ? 'met' : 'MISSED'} (${kB(most)}); ≥ 20× fewer bytes: ${oldInitial.bytes / newInitial.bytes >= 20 ? 'met' : 'MISSED'}`,
    );
    results.push({ size, newInitial, oldInitial });
    await stopCatalog(catalog);
  }
  proxy.server.close();
  if (knex && process.env.KAML_BENCH_DROP_DB === '1') {
    for (const size of SIZES) await knex.raw('drop database if exists ?? with (force)', [databaseOf(size)]);
  }
  await knex?.destroy();
  console.log(`load average after: ${loadavg().map(x => x.toFixed(1)).join(' ')}`);
  const last = results[results.length - 1];
  console.log(`workbench-scale: ${(last.oldInitial.bytes / last.newInitial.bytes).toFixed(1)}`);
}

await main();
