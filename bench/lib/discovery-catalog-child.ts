// One run of the discovery-catalog bench, in a child process of its own (spawned by
// bench/discovery-catalog.bench.ts with `<mode> <datasets> <database> <port> <result> <log>`):
// a real catalog backend (`createBackend` with plugin-catalog-backend, the KAML-D catalog module
// and a probe module) until the catalog API counts every Dataset. Writes a RunResult as JSON:
// wall and CPU time, the provider's scan, the event-loop delay (monitorEventLoopDelay, 10 ms
// resolution, overall and per 10-s window) and what ds-0 was stitched as.
import { createWriteStream, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { requireFromRoot } from '../discovery-build.ts';
import {
  configOf,
  loadBundle,
  paths,
  type LagWindow,
  type Mode,
  type RunResult,
} from './discovery-catalog-data.ts';

const POLL_MS = 500;
const TIMEOUT_MS = Number(process.env.KAML_BENCH_TIMEOUT_S ?? 3600) * 1000;

/** One run, in this (child) process. */
export async function child(
  mode: Mode,
  datasets: number,
  dbLabel: string,
  port: number,
  resultFile: string,
  logFile: string,
) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const log = createWriteStream(logFile);
  let scan: RunResult['scan'];
  const makeLogger = (meta: Record<string, unknown>): any => {
    const write = (level: string) => (message: string, extra?: unknown) => {
      const at = performance.now() - t0;
      log.write(
        `${(at / 1000).toFixed(3)} ${level} ${JSON.stringify(meta)} ${message}${
          extra instanceof Error
            ? ` ${extra.stack}`
            : extra
            ? ` ${JSON.stringify(extra)}`
            : ''
        }\n`,
      );
      const match = /^Discovered \d+ dataset\(s\) .* in (\d+) ms/.exec(message);
      if (match && !scan)
        scan = {
          startMs: at - Number(match[1]),
          refreshMs: Number(match[1]),
          message,
        };
    };
    return {
      error: write('error'),
      warn: write('warn'),
      info: write('info'),
      debug() {},
      child: (m: Record<string, unknown>) => makeLogger({ ...meta, ...m }),
    };
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
      const knex = requireFromRoot('knex')({
        client: 'pg',
        connection: process.env.KAML_RIG_PG_URL,
      });
      try {
        const { rows } = await knex.raw(
          'select datname from pg_database where datname like ?',
          [`${prefix}%`],
        );
        for (const { datname } of rows)
          await knex.raw('drop database if exists ?? with (force)', [datname]);
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
  const { coreServices, createServiceFactory, createBackendModule } =
    requireFromRoot('@backstage/backend-plugin-api');
  const { ConfigReader } = requireFromRoot('@backstage/config');
  const { catalogServiceRef } = requireFromRoot(
    '@backstage/plugin-catalog-node',
  );
  const lib = loadBundle();
  const config = new ConfigReader(configOf(mode, datasets, port, database));
  let probe: { catalog: any; auth: any } | undefined;

  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () => config,
    }),
  );
  backend.add(
    createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: () => makeLogger({}),
    }),
  );
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
  // the span measured starts with backend.start(): the catalog's start-up, the provider's first
  // scan (its scheduler may run it while the backend starts) and processing and stitching
  const callStartMs = performance.now() - t0;
  const startedUs = Number(process.hrtime.bigint() / 1000n);
  const cpuStarted = process.cpuUsage();
  // event-loop delay over the span: overall and per 10-s window (the worst one counts)
  const lagAll = monitorEventLoopDelay({ resolution: 10 });
  const lagWindow = monitorEventLoopDelay({ resolution: 10 });
  lagAll.enable();
  lagWindow.enable();
  const windows: LagWindow[] = [];
  const closeWindow = () => {
    if (lagWindow.count === 0) return;
    windows.push({
      at: (performance.now() - t0 - callStartMs) / 1000,
      p99: lagWindow.percentile(99) / 1e6,
      max: lagWindow.max / 1e6,
    });
    lagWindow.reset();
  };
  const windowTimer = setInterval(closeWindow, 10_000);
  await backend.start();
  const startedMs = performance.now() - t0;
  if (!probe) throw new Error('the probe module did not start');
  const credentials = await probe.auth.getOwnServiceCredentials();
  const count = async (kind: string) =>
    (
      await probe!.catalog.queryEntities(
        { filter: { kind }, limit: 1 },
        { credentials },
      )
    ).totalItems as number;
  let seen = 0;
  let lastReport = 0;
  for (;;) {
    seen = await count('dataset').catch(() => seen);
    const now = performance.now() - t0;
    if (seen >= datasets) break;
    if (now > TIMEOUT_MS)
      throw new Error(
        `${mode}: only ${seen} of ${datasets} datasets stitched after ${(
          now / 1000
        ).toFixed(0)} s`,
      );
    if (now - lastReport > 15_000) {
      lastReport = now;
      process.stdout.write(
        `  ${mode} ${dbLabel}: ${seen} datasets stitched at ${(
          now / 1000
        ).toFixed(0)} s\n`,
      );
    }
    await new Promise(r => setTimeout(r, POLL_MS));
  }
  const doneMs = performance.now() - t0;
  const doneUs = Number(process.hrtime.bigint() / 1000n);
  const used = process.cpuUsage(cpuStarted);
  const usedAll = process.cpuUsage(cpu0);
  clearInterval(windowTimer);
  closeWindow();
  lagAll.disable();
  lagWindow.disable();
  const locations = await count('location');
  const { items } = await probe.catalog.getEntitiesByRefs(
    { entityRefs: ['dataset:default/ds-0'] },
    { credentials },
  );
  const result: RunResult = {
    mode,
    database: dbLabel,
    datasets: seen,
    locations,
    callStartMs,
    startedMs,
    doneMs,
    startedUs,
    doneUs,
    cpuMs: (used.user + used.system) / 1000,
    cpuTotalMs: (usedAll.user + usedAll.system) / 1000,
    scan,
    lag: {
      p50: lagAll.percentile(50) / 1e6,
      p99: lagAll.percentile(99) / 1e6,
      max: lagAll.max / 1e6,
      windows,
    },
    // what both runs must agree on: the spec, the relations and the figures discovery measured
    // (the location annotations differ by design: provider vs file)
    sample: items[0] && {
      spec: items[0].spec,
      relations: items[0].relations,
      figures: Object.fromEntries(
        Object.entries(items[0].metadata.annotations ?? {}).filter(
          ([key]) =>
            key.startsWith('kaml-d.io/') && key !== 'kaml-d.io/discovered-by',
        ),
      ),
    },
  };
  writeFileSync(resultFile, JSON.stringify(result));
  await backend.stop().catch(() => undefined);
  await dropDatabase().catch(error =>
    console.error(`could not drop the scratch database: ${error}`),
  );
  log.end();
  process.exit(0);
}

const [mode, datasets, dbLabel, port, resultFile, logFile] =
  process.argv.slice(2);
child(
  mode as Mode,
  Number(datasets),
  dbLabel,
  Number(port),
  resultFile,
  logFile,
).catch(error => {
  console.error(error);
  process.exit(1);
});
