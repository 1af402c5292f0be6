// Shared by the discovery-* and search-* benchmarks: bundles the KAML-D catalog and search
// modules (TypeScript in plugins/catalog-backend-module-kaml-d and plugins/search-backend-module-kaml-d,
// with the kaml-d-node/-common workspaces they import) and the backend's Lunr search engine
// (packages/backend/src/modules/searchEngineLunr.ts) into one CommonJS file under bench/.out,
// so a plain `node bench/<name>.bench.ts` runs the code the backend runs. Backstage and other
// third-party packages load from node_modules.
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { out, root } from './metadata-build.ts';

export const requireFromRoot = createRequire(join(root, 'package.json'));

/** What the benchmarks call of the bundled modules (typed loosely: the bench is not type-checked). */
export type DiscoveryLib = Record<string, any>;

/** Bundles and loads the modules' public surface. */
export function loadDiscoveryLib(): DiscoveryLib {
  mkdirSync(out, { recursive: true });
  const entry = join(out, 'discovery-entry.ts');
  const plugins = join(root, 'plugins');
  writeFileSync(
    entry,
    [
      `export * from ${JSON.stringify(join(plugins, 'catalog-backend-module-kaml-d', 'src'))};`,
      `export { DatasetCollatorFactory, datasetDocument } from ${JSON.stringify(join(plugins, 'search-backend-module-kaml-d', 'src'))};`,
      `export { FileStorageAdapter } from ${JSON.stringify(join(plugins, 'kaml-d-node', 'src'))};`,
      `export { KamlDLunrSearchEngine } from ${JSON.stringify(join(root, 'packages', 'backend', 'src', 'modules', 'searchEngineLunr'))};`,
    ].join('\n'),
  );
  const bundle = join(out, 'discovery-lib.cjs');
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
  return createRequire(import.meta.url)(bundle);
}

/** A logger that drops everything. */
export const quietLogger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return quietLogger;
  },
};

/** Percentile of sorted-or-not samples (nearest rank). */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
