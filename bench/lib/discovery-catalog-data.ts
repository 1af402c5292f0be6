// What the discovery-catalog bench runs on: the dataset folders and their catalog-info.yaml
// files (generated once per size under bench/.out/discovery-catalog/n<datasets>), the KAML-D
// catalog module bundled from the workspace sources, and the backend configuration of a run.
import { buildSync } from 'esbuild';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { out, root } from '../metadata-build.ts';
import { quietLogger, requireFromRoot } from '../discovery-build.ts';

export const BUCKET = 'kaml-bench';
export const OBJECTS = Number(process.env.KAML_BENCH_OBJECTS_PER_DATASET ?? 10);
export const bundle = join(out, 'discovery-catalog-lib.cjs');

export type Mode = 'kaml-d' | 'locations' | 'glob';

export interface LagWindow {
  /** Seconds since the backend started. */
  at: number;
  p99: number;
  max: number;
}

export interface RunResult {
  mode: Mode;
  database: string;
  datasets: number;
  locations: number;
  /** ms since the child's start: backend.start() called, resolved; last Dataset stitched. */
  callStartMs: number;
  startedMs: number;
  doneMs: number;
  /** process.hrtime at backend.start() and at the last Dataset, in µs (the CPU profile's clock). */
  startedUs: number;
  doneUs: number;
  /** CPU time (user + system) of the process over the span; cpuTotalMs from the child's start. */
  cpuMs: number;
  cpuTotalMs: number;
  scan?: { startMs: number; refreshMs: number; message: string };
  /** Event-loop delay over the span (ms) and its worst 10-s window. */
  lag: { p50: number; p99: number; max: number; windows: LagWindow[] };
  sample: unknown;
}

export function paths(datasets: number) {
  const base = join(out, 'discovery-catalog', `n${datasets}`);
  return {
    base,
    store: join(base, 'store'),
    manifests: join(base, 'manifests'),
    done: join(base, `.done-${OBJECTS}`),
  };
}

/** The KAML-D catalog module and what the generator uses, bundled from the workspace sources. */
export function buildBundle() {
  mkdirSync(out, { recursive: true });
  const entry = join(out, 'discovery-catalog-entry.ts');
  const plugins = join(root, 'plugins');
  writeFileSync(
    entry,
    [
      `export { default as catalogModuleKamlD, ObjectStoreDatasetProvider } from ${JSON.stringify(
        join(plugins, 'catalog-backend-module-kaml-d', 'src'),
      )};`,
      `export { FileStorageAdapter } from ${JSON.stringify(
        join(plugins, 'kaml-d-node', 'src'),
      )};`,
    ].join('\n'),
  );
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outfile: bundle,
    external: [
      'minio',
      'presto-client',
      '@duckdb/*',
      '@backstage/*',
      'yaml',
      'zod',
    ],
    // module paths in the bundle's `// <path>` comments relative to the repository, for
    // bench/lib/cpu-profile.ts to tell whose code a sampled frame is
    absWorkingDir: root,
    logLevel: 'warning',
  });
}

export const loadBundle = () => createRequire(import.meta.url)(bundle);

/**
 * Writes the objects, then one catalog-info.yaml per dataset holding the entity the provider
 * emits for that folder (without the annotations the catalog or the provider set themselves).
 */
export async function generate(datasets: number) {
  const { store, manifests, done } = paths(datasets);
  if (existsSync(done)) return;
  const started = performance.now();
  rmSync(paths(datasets).base, { recursive: true, force: true });
  for (let i = 0; i < datasets; i++) {
    const dir = join(store, BUCKET, `ds-${i}`);
    mkdirSync(dir, { recursive: true });
    for (let j = 0; j < OBJECTS; j++) {
      writeFileSync(
        join(dir, `part-${j}.csv`),
        `id,name,amount\n${i},n${j},${j}.5\n`,
      );
    }
  }
  const lib = loadBundle();
  const { ConfigReader } = requireFromRoot('@backstage/config');
  const { stringify } = requireFromRoot('yaml');
  let emitted: Array<{ entity: any }> = [];
  const [provider] = lib.ObjectStoreDatasetProvider.fromConfig(
    new ConfigReader({
      catalog: {
        providers: {
          kamlD: {
            objectStore: [
              {
                id: 'bench',
                location: `s3://${BUCKET}/`,
                owner: 'data-engineering',
              },
            ],
          },
        },
      },
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
  if (emitted.length !== datasets)
    throw new Error(
      `the provider found ${emitted.length} datasets, expected ${datasets}`,
    );
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
    `generated ${
      datasets * OBJECTS
    } objects in ${datasets} datasets and ${datasets} catalog-info.yaml files in ${(
      (performance.now() - started) /
      1000
    ).toFixed(1)} s`,
  );
}

/** Backend configuration of one run. */
export function configOf(
  mode: Mode,
  datasets: number,
  port: number,
  database: Record<string, unknown>,
) {
  const { store, manifests } = paths(datasets);
  const kinds = [
    'Component',
    'System',
    'API',
    'Resource',
    'Location',
    'Domain',
    'Group',
    'User',
    'Template',
    'Dataset',
    'Model',
  ];
  const catalog: Record<string, unknown> = { rules: [{ allow: kinds }] };
  if (mode === 'kaml-d') {
    catalog.providers = {
      kamlD: {
        objectStore: [
          {
            id: 'bench',
            location: `s3://${BUCKET}/`,
            owner: 'data-engineering',
            schedule: {
              frequency: { minutes: 30 },
              timeout: { minutes: 10 },
              initialDelay: { seconds: 0 },
            },
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
    catalog.locations = [
      { type: 'file', target: join(manifests, '*', 'catalog-info.yaml') },
    ];
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
