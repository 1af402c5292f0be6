// Shared by the metadata-* benchmarks: bundles the KAML-D backend's storage and query-engine
// services (TypeScript in plugins/kaml-d-backend and plugins/kaml-d-node) into one CommonJS file
// under bench/.out, so a plain `node bench/<name>.bench.ts` runs the same code the backend runs.
// Third-party packages load from node_modules. esbuild comes with the Backstage CLI.
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');
export const out = join(root, 'bench', '.out');

export interface ListingAdapter {
  readonly type: string;
}

export interface Summary {
  objects: number;
  bytes: number;
  childPrefixes: number;
  listCalls: number;
  lastModified?: Date;
}

export interface MetadataLib {
  FileStorageAdapter: new (root: string) => ListingAdapter;
  S3StorageAdapter: new (config: unknown, probeBucket?: string) => ListingAdapter;
  summarizePrefixParallel(adapter: ListingAdapter, bucket: string, prefix: string, concurrency: number): Promise<Summary>;
  summarizePrefixSequential(adapter: ListingAdapter, bucket: string, prefix: string): Promise<Summary>;
  DuckDBQueryEngine: new (config: { cacheDir: string; maxDownloadBytes: number; threads: number; memoryLimit: string }) => {
    preview(source: unknown, limits: { maxRows: number; timeoutMs: number }): Promise<{ rows: unknown[][]; truncated: boolean }>;
  };
}

/** Bundles and loads the services; a second call reuses the bundle of this run. */
export function loadMetadataLib(): MetadataLib {
  mkdirSync(out, { recursive: true });
  const entry = join(out, 'metadata-entry.ts');
  const services = join(root, 'plugins', 'kaml-d-backend', 'src', 'services');
  writeFileSync(
    entry,
    [
      `export { FileStorageAdapter, S3StorageAdapter, summarizePrefixParallel, summarizePrefixSequential } from ${JSON.stringify(join(services, 'Storage'))};`,
      `export { DuckDBQueryEngine } from ${JSON.stringify(join(services, 'QueryEngine'))};`,
    ].join('\n'),
  );
  const bundle = join(out, 'metadata-lib.cjs');
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outfile: bundle,
    // third-party packages load from node_modules; the KAML-D workspaces (TypeScript) are bundled
    external: ['minio', 'presto-client', '@duckdb/*', '@backstage/*', 'knex', 'zod', 'busboy', 'yaml'],
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(bundle) as MetadataLib;
}

/** Milliseconds `fn` takes, best of `runs`. */
export async function bestOf<T>(runs: number, fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  let best = Infinity;
  let value: T | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    value = await fn();
    best = Math.min(best, performance.now() - started);
  }
  return { ms: best, value: value as T };
}
