// The kaml-d backend's services the dataset-snapshot bench drives (storage, audit, query engines,
// snapshots), bundled from TypeScript into one CommonJS file under bench/.out, so a plain
// `node bench/dataset-snapshot.bench.ts` runs the code the backend runs.
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { out, root } from '../metadata-build.ts';

export interface SnapshotLib {
  ConfigReader: new (data: unknown) => unknown;
  knex: (config: unknown) => { destroy(): Promise<void> };
  applyDatabaseMigrations(db: unknown): Promise<void>;
  createAuditLogService(options: { db: unknown }): unknown;
  readStorageConfig(config: unknown): unknown;
  createStorageService(options: unknown): unknown;
  createLinkSigner(secret: () => Promise<Buffer>): unknown;
  createQueryEngineService(options: unknown): unknown;
  readQueryConfig(config: unknown): unknown;
  DEFAULT_SNAPSHOT_COPY_CONCURRENCY: number;
  readDatasetBindingPolicy(
    config: unknown,
    env: Record<string, string>,
  ): unknown;
  createStorageBindingsService(options: {
    policy: unknown;
    catalog: unknown;
    auth: unknown;
  }): unknown;
  createSnapshotsService(options: unknown): {
    create(
      ref: unknown,
      request: { message: string },
      credentials: unknown,
    ): Promise<{ method: string; objectCount: number; totalBytes: number }>;
  };
  S3StorageAdapter: new (config: unknown) => {
    listRecursive(
      bucket: string,
      prefix: string,
    ): AsyncIterable<{ key: string; size: number }>;
  };
}

export function loadSnapshotLib(): SnapshotLib {
  mkdirSync(out, { recursive: true });
  const src = join(root, 'plugins', 'kaml-d-backend', 'src');
  const from = (path: string) => JSON.stringify(join(src, path));
  const entry = join(out, 'snapshot-entry.ts');
  writeFileSync(
    entry,
    [
      `export { ConfigReader } from '@backstage/config';`,
      `export { default as knex } from 'knex';`,
      `export { applyDatabaseMigrations } from ${from('database/migrations')};`,
      `export { createAuditLogService } from ${from('services/Audit')};`,
      `export { createStorageService, readStorageConfig, createLinkSigner, S3StorageAdapter } from ${from(
        'services/Storage',
      )};`,
      `export { createQueryEngineService, readQueryConfig } from ${from(
        'services/QueryEngine',
      )};`,
      `export { createSnapshotsService, DEFAULT_SNAPSHOT_COPY_CONCURRENCY } from ${from(
        'services/Snapshots',
      )};`,
      `export { createStorageBindingsService } from ${from(
        'services/StorageBindings',
      )};`,
      `export { readDatasetBindingPolicy } from '@kaml-d/plugin-kaml-d-node';`,
    ].join('\n'),
  );
  const bundle = join(out, 'snapshot-lib.cjs');
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
      'knex',
      'better-sqlite3',
      'zod',
      'busboy',
      'yaml',
    ],
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(bundle) as SnapshotLib;
}
