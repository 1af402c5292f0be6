import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  CacheService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import knexFactory, { Knex } from 'knex';
import { createAuditLogService } from '../../Audit';
import {
  createLinkSigner,
  createStorageService,
  readStorageConfig,
} from '../../Storage';
import { createSnapshotsService } from '../createSnapshotsService';
import { createQueryEngineService, readQueryConfig } from '../../QueryEngine';
import { ConfigReader } from '@backstage/config';
import { AuthService } from '@backstage/backend-plugin-api';
import { readDatasetBindingPolicy } from '@kaml-d/plugin-kaml-d-node';
import { createStorageBindingsService } from '../../StorageBindings';

export const REF = { kind: 'dataset', namespace: 'default', name: 'big' };
export const CREDENTIALS = mockCredentials.user('user:default/alice');

/** The catalog file the test dataset comes from, trusted to bind storage. */
const SEED = 'file:/kaml-d-test/catalog/all.yaml';

/** The snapshots service over a file store in `root` and a SQLite file (shared across processes). */
export function openHarness(root: string, dbFile: string) {
  const db: Knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: dbFile },
    useNullAsDefault: true,
  });
  const entity = {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: {
      name: 'big',
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': SEED,
        'backstage.io/managed-by-origin-location': SEED,
      },
    },
    spec: {
      type: 'table',
      owner: 'group:default/data',
      format: 'csv',
      location: `file://${root}/datasets/big/`,
    },
  };
  const catalog = {
    getEntityByRef: async (ref: string) =>
      ref === 'dataset:default/big' ? entity : undefined,
    getEntities: async () => ({ items: [entity] }),
  } as unknown as CatalogService;
  // plain objects (no jest): this module also runs in the crash tests' child process
  const permissions = {
    authorize: async (reqs: unknown[]) =>
      reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
    authorizeConditional: async () => {
      throw new Error('not used');
    },
  } as unknown as PermissionsService;
  const logger = {
    info() {},
    warn() {},
    error() {},
    debug() {},
    child() {
      return logger;
    },
  } as unknown as LoggerService;
  const cache = {} as CacheService;
  const storage = createStorageService({
    config: readStorageConfig(
      mockServices.rootConfig({
        data: { kamlD: { storage: { adapter: 'file', file: { root } } } },
      }),
    ),
    cache,
    discovery: mockServices.discovery(),
    signer: createLinkSigner(async () => Buffer.from('secret')),
  });
  const bindings = createStorageBindingsService({
    policy: readDatasetBindingPolicy(
      new ConfigReader({
        kamlD: {
          storage: { adapter: 'file', file: { root } },
          bindings: { trustedOrigins: [{ type: 'file', target: SEED.slice(5) }] },
        },
      }),
      {},
    ),
    catalog,
    auth: { getOwnServiceCredentials: async () => ({}) } as unknown as AuthService,
  });
  const snapshots = createSnapshotsService({
    bindings,
    db,
    catalog,
    permissions,
    storage,
    audit: createAuditLogService({ db }),
    logger,
    engines: createQueryEngineService({
      config: readQueryConfig(mockServices.rootConfig({ data: {} })),
    }),
  });
  return { db, snapshots };
}
