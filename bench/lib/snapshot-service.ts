// The kaml-d backend's Snapshots service as the backend wires it (storage service on the S3
// adapter, audit log and snapshot tables on an in-memory SQLite database, query engines from
// the default config, the storage binding rule), with a catalog of the bench's datasets (bound to
// their locations by a trusted origin) and permissions that allow all.
import type { SnapshotLib } from './snapshot-lib.ts';

/** The catalog file the bench's datasets come from, trusted by the binding policy. */
const ORIGIN = '/kaml-bench/datasets.yaml';

export interface BenchDataset {
  bucket: string;
  name: string;
  folder: string;
  format: 'csv' | 'parquet';
}

export async function createBenchSnapshots(
  lib: SnapshotLib,
  s3: { port: number; accessKey: string; secretKey: string },
  datasets: BenchDataset[],
) {
  const db = lib.knex({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  await lib.applyDatabaseMigrations(db);
  const storageConfig = {
    adapter: 's3',
    s3: {
      endpoint: `http://127.0.0.1:${s3.port}`,
      accessKeyId: s3.accessKey,
      secretAccessKey: s3.secretKey,
    },
  };
  const storage = lib.createStorageService({
    config: lib.readStorageConfig(
      new lib.ConfigReader({ kamlD: { storage: storageConfig } }),
    ),
    cache: {
      get: async () => undefined,
      set: async () => {},
      delete: async () => {},
      withOptions() {
        return this;
      },
    },
    discovery: {
      getBaseUrl: async () => 'http://localhost:7007/api/kaml-d',
      getExternalBaseUrl: async () => 'http://localhost:7007/api/kaml-d',
    },
    signer: lib.createLinkSigner(async () => Buffer.from('bench')),
  });
  const entities = new Map(
    datasets.map(d => [
      `dataset:default/${d.name}`,
      {
        apiVersion: 'kaml-d.io/v1alpha1',
        kind: 'Dataset',
        metadata: {
          name: d.name,
          namespace: 'default',
          annotations: {
            'backstage.io/managed-by-origin-location': `file:${ORIGIN}`,
          },
        },
        spec: {
          type: d.format === 'csv' ? 'table' : 'files',
          owner: 'group:default/data',
          format: d.format,
          location: `s3://${d.bucket}/${d.folder}`,
        },
      },
    ]),
  );
  const catalog = {
    getEntityByRef: async (ref: string) => entities.get(ref),
    getEntities: async () => ({ items: [...entities.values()] }),
  };
  const bindings = lib.createStorageBindingsService({
    policy: lib.readDatasetBindingPolicy(
      new lib.ConfigReader({
        kamlD: {
          storage: storageConfig,
          bindings: { trustedOrigins: [{ type: 'file', target: ORIGIN }] },
        },
      }),
      {},
    ),
    catalog,
    auth: { getOwnServiceCredentials: async () => ({}) },
  });
  const noop = () => {};
  const logger = {
    info: noop,
    warn: noop,
    error: noop,
    debug: noop,
    child() {
      return logger;
    },
  };
  const alice = {
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'user', userEntityRef: 'user:default/alice' },
  };
  const at = (copyConcurrency: number) =>
    lib.createSnapshotsService({
      db,
      catalog,
      bindings,
      permissions: {
        authorize: async (requests: unknown[]) =>
          requests.map(() => ({ result: 'ALLOW' })),
      },
      storage,
      audit: lib.createAuditLogService({ db }),
      logger,
      engines: lib.createQueryEngineService({
        config: lib.readQueryConfig(new lib.ConfigReader({})),
      }),
      config: { copyConcurrency },
    });
  return {
    /** Takes a snapshot of the dataset with `copyConcurrency` copies in flight. */
    take: (name: string, copyConcurrency: number) =>
      at(copyConcurrency).create(
        { kind: 'dataset', namespace: 'default', name },
        { message: 'bench' },
        alice,
      ),
    close: () => db.destroy(),
  };
}
