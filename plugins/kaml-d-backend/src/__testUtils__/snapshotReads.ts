import {
  TestDatabases,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyDatabaseMigrations } from '../database/migrations';
import { createAuditLogService } from '../services/Audit';
import { createDatasetsService } from '../services/Datasets/createDatasetsService';
import { createDatasetNameClaims } from '../services/Datasets/nameClaims';
import {
  createQueryEngineService,
  readQueryConfig,
} from '../services/QueryEngine';
import { createSnapshotsService } from '../services/Snapshots';
import {
  createLinkSigner,
  createStorageService,
  readStorageConfig,
} from '../services/Storage';
import { datasetRoutes } from '../service/routes/datasets';
import { queryRoutes } from '../service/routes/query';
import { snapshotRoutes } from '../service/routes/snapshots';
import { testStorageBindings, TRUSTED_TEST_ANNOTATIONS } from './bindings';

/**
 * The dataset, query and snapshot routes over real files and a real DuckDB, for the tests of
 * reading a dataset at a snapshot: a storage root per test, a transactions dataset, and a
 * policy that may deny some permissions.
 */
export function useSnapshotReadApp() {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-snapread-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function setup(options: { deny?: string[] } = {}) {
    const db = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(db);
    const data = join(root, 'datasets', 'transactions');
    await mkdir(data, { recursive: true });
    await writeFile(join(data, 'a.csv'), 'id,amount\n1,10\n2,20\n');
    await writeFile(join(data, 'b.csv'), 'id,amount\n3,30\n');
    const entity = {
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
    const storage = createStorageService({
      config: readStorageConfig(
        mockServices.rootConfig({
          data: { kamlD: { storage: { adapter: 'file', file: { root } } } },
        }),
      ),
      cache: mockServices.cache.mock(),
      discovery: mockServices.discovery(),
      signer: createLinkSigner(async () => Buffer.from('secret')),
    });
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(async reqs =>
      reqs.map(r => ({
        result: options.deny?.includes(r.permission.name)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      })),
    );
    const catalog = catalogServiceMock({ entities: [entity] });
    const engines = createQueryEngineService({
      config: readQueryConfig(
        mockServices.rootConfig({
          data: {
            kamlD: { query: { duckdb: { cacheDir: join(root, 'cache') } } },
          },
        }),
      ),
    });
    const logger = mockServices.logger.mock();
    const bindings = testStorageBindings(catalog);
    const snapshots = createSnapshotsService({
      bindings,
      db,
      catalog,
      permissions,
      storage,
      audit: createAuditLogService({ db }),
      logger,
      engines,
    });
    const datasets = createDatasetsService({
      claims: createDatasetNameClaims({ db }),
      bindings,
      catalog,
      permissions,
      storage,
      engines,
      cache: mockServices.cache.mock(),
      events: mockServices.events.mock(),
      logger,
      maxUploadBytes: 1024 * 1024,
      audit: createAuditLogService({ db }),
      auth: mockServices.auth(),
      userInfo: mockServices.userInfo(),
      snapshots,
    });
    const httpAuth = mockServices.httpAuth();
    const app = express();
    app.use(express.json());
    app.use(datasetRoutes({ httpAuth, datasets }));
    app.use(queryRoutes({ httpAuth, datasets }));
    app.use(snapshotRoutes({ httpAuth, snapshots }));
    app.use(mockErrorHandler());
    return { app, data };
  }

  return {
    setup,
    /** The storage root of the current test. */
    root: () => root,
  };
}
