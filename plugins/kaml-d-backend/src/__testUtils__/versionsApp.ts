import {
  TestDatabases,
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyDatabaseMigrations } from '../database/migrations';
import { modelVersionRoutes } from '../service/routes/modelVersions';
import { snapshotRoutes } from '../service/routes/snapshots';
import { createAuditLogService } from '../services/Audit';
import { createModelVersionsService } from '../services/ModelVersions';
import {
  createQueryEngineService,
  readQueryConfig,
} from '../services/QueryEngine';
import { RunsService } from '../services/Runs';
import { createSnapshotsService } from '../services/Snapshots';
import {
  createLinkSigner,
  createStorageService,
  readStorageConfig,
} from '../services/Storage';
import { testStorageBindings, TRUSTED_TEST_ANNOTATIONS } from './bindings';

const model = (name: string) => ({
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Model',
  metadata: { name, namespace: 'default' },
  spec: { type: 'classifier', owner: 'group:default/data' },
});

export const alice = mockCredentials.user.header('user:default/alice');
export const credentials = mockCredentials.user('user:default/alice');
export const datasetRef = {
  kind: 'dataset',
  namespace: 'default',
  name: 'transactions',
};
export const fraud = {
  kind: 'model',
  namespace: 'default',
  name: 'fraud-detector',
};
export const churn = {
  kind: 'model',
  namespace: 'default',
  name: 'churn-predictor',
};
export const trainedOn = (snapshotId: string) => ({
  trainedOn: [{ datasetRef: 'dataset:default/transactions', snapshotId }],
});

/**
 * The snapshot and model version routes over real services (SQLite, file store, DuckDB) for
 * dataset:default/transactions and two models, counting the requests the app answers. Call in
 * a describe block: it creates and removes its folder around each test.
 */
export function versionsApp() {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-versions-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  return async function setup(
    options: { deny?: string[]; runs?: RunsService['runs'] } = {},
  ) {
    const db = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(db);
    const data = join(root, 'datasets', 'transactions');
    await mkdir(data, { recursive: true });
    await writeFile(join(data, 'a.csv'), 'id,amount\n1,10\n');
    const dataset = {
      apiVersion: 'kaml-d.io/v1alpha1',
      kind: 'Dataset',
      metadata: {
        name: 'transactions',
        namespace: 'default',
        annotations: TRUSTED_TEST_ANNOTATIONS,
      },
      spec: {
        type: 'table',
        owner: 'group:default/data',
        format: 'csv',
        location: `file://${data}/`,
      },
    };
    const catalog = catalogServiceMock({
      entities: [dataset, model('fraud-detector'), model('churn-predictor')],
    });
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(async reqs =>
      reqs.map(r => ({
        result: options.deny?.includes(r.permission.name)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      })),
    );
    const audit = createAuditLogService({ db });
    const snapshots = createSnapshotsService({
      bindings: testStorageBindings(catalog),
      db,
      catalog,
      permissions,
      storage: createStorageService({
        config: readStorageConfig(
          mockServices.rootConfig({
            data: { kamlD: { storage: { adapter: 'file', file: { root } } } },
          }),
        ),
        cache: mockServices.cache.mock(),
        discovery: mockServices.discovery(),
        signer: createLinkSigner(async () => Buffer.from('secret')),
      }),
      audit,
      logger: mockServices.logger.mock(),
      engines: createQueryEngineService({
        config: readQueryConfig(
          mockServices.rootConfig({
            data: {
              kamlD: { query: { duckdb: { cacheDir: join(root, 'cache') } } },
            },
          }),
        ),
      }),
    });
    const modelVersions = createModelVersionsService({
      db,
      catalog,
      permissions,
      audit,
    });
    const runs: RunsService | undefined = options.runs
      ? {
          runs: options.runs,
          logs: async () => ({ pod: '', container: '', text: '' }),
        }
      : undefined;
    let requests = 0;
    const app = express();
    app.use(express.json());
    app.use((_req, _res, next) => {
      requests += 1;
      next();
    });
    const httpAuth = mockServices.httpAuth();
    app.use(snapshotRoutes({ httpAuth, snapshots, modelVersions }));
    app.use(modelVersionRoutes({ httpAuth, modelVersions, runs }));
    app.use(mockErrorHandler());
    return { app, db, snapshots, modelVersions, requests: () => requests };
  };
}
