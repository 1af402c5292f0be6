// The real kaml-d backend plugin for load benchmarks: bundled once (KAML-D workspaces from
// source, third-party packages from node_modules) and started by Backstage's `startTestBackend`
// in a child process: real HTTP server, root health service, SQLite, file storage, the real
// DuckDB engine in its sandbox processes; a mock catalog with the bench's Dataset entities and
// permissions ALLOW.
import { build, type PluginBuild } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './metadata-build.ts';

/** What `start(dir, options)` of the bundle takes. */
export type BackendOptions = {
  /** Datasets under `<dir>/storage/kaml-datasets/<name>/`, owned by group:default/data. */
  datasets: Array<{ name: string; format: string }>;
  /** `kamlD.query` laid over the bench's (cache folder, DuckDB threads). */
  query?: Record<string, unknown>;
};

/** Child process ids of `pid` (Linux /proc). */
export function childrenOf(pid: number | undefined): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap(task =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

/** Resident memory of `pid` in bytes (0 when it is gone). */
export function rssOf(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status);
    return kb ? Number(kb[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Bundles the backend plugin and Backstage's test backend into `<dir>/backend.cjs` (and the
 * DuckDB sandbox pool into its own file beside it); answers the bundle's path. The bundle exports
 * `start(dir, options: BackendOptions)`, answering `{ port, auth }`.
 */
export async function bundleKamlBackend(dir: string): Promise<string> {
  const bundle = join(dir, 'backend.cjs');
  const sandboxBundle = join(dir, 'sandboxPool.cjs');
  const entry = join(dir, 'backend-entry.ts');
  const plugin = join(root, 'plugins', 'kaml-d-backend', 'src', 'plugin');
  writeFileSync(
    entry,
    `import { startTestBackend, mockServices, mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { kamlDPlugin } from ${JSON.stringify(plugin)};
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export async function start(
  dir: string,
  options: { datasets: Array<{ name: string; format: string }>; query?: Record<string, unknown> },
) {
  const location = (name: string) => 's3://kaml-datasets/' + name + '/';
  const entities = options.datasets.map(({ name, format }) => ({
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: { name, namespace: 'default' },
    spec: { owner: 'group:default/data', lifecycle: 'production', format, location: location(name) },
  }));
  const threads = process.env.KAML_BENCH_DUCKDB_THREADS;
  const { server } = await startTestBackend({
    features: [
      kamlDPlugin,
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          kamlD: {
            storage: { file: { root: join(dir, 'storage') } },
            query: {
              duckdb: { cacheDir: join(dir, 'cache'), ...(threads ? { threads: Number(threads) } : {}) },
              ...options.query,
            },
            bindings: {
              mappings: options.datasets.map(({ name }) => ({
                entityRef: 'dataset:default/' + name,
                location: location(name),
                owner: 'group:default/data',
              })),
            },
          },
        },
      }),
      mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }),
      catalogServiceMock.factory({ entities }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
    ],
  });
  return {
    port: (server.address() as AddressInfo).port,
    auth: mockCredentials.user.header('user:default/alice'),
  };
}
`,
  );
  rmSync(bundle, { force: true });
  // third-party packages load from node_modules; the KAML-D workspaces (TypeScript) are bundled
  const externals = {
    name: 'external-packages',
    setup(b: PluginBuild) {
      b.onResolve({ filter: /^[^./]/ }, a =>
        a.path.startsWith('@kaml-d/')
          ? undefined
          : { path: a.path, external: true },
      );
    },
  };
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    logLevel: 'warning',
  } as const;
  // the DuckDB sandbox pool is its own file, as in the built package (one file per module), so
  // its sandbox processes load that file and what it imports, not the whole backend
  await build({
    ...common,
    entryPoints: [
      join(
        root,
        'plugins',
        'kaml-d-backend',
        'src',
        'services',
        'QueryEngine',
        'duckdb',
        'sandboxPool.ts',
      ),
    ],
    outfile: sandboxBundle,
    plugins: [externals],
  });
  await build({
    ...common,
    entryPoints: [entry],
    outfile: bundle,
    plugins: [
      externals,
      {
        name: 'sandbox-pool-file',
        setup(b) {
          b.onResolve({ filter: /\/sandboxPool$/ }, () => ({
            path: sandboxBundle,
            external: true,
          }));
        },
      },
    ],
  });
  return bundle;
}
