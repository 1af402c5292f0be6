import {
  TestDatabases,
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { applyDatabaseMigrations } from '../../database/migrations';
import { createAuditLogService } from '../../services/Audit';
import {
  createDatasetsService,
  parseDatasetReference,
} from '../../services/Datasets/createDatasetsService';
import {
  createQueryEngineService,
  readQueryConfig,
} from '../../services/QueryEngine';
import { createSnapshotsService } from '../../services/Snapshots';
import {
  createLinkSigner,
  createStorageService,
  readStorageConfig,
} from '../../services/Storage';
import { datasetRoutes } from './datasets';
import { queryRoutes } from './query';
import { snapshotRoutes } from './snapshots';

jest.setTimeout(60_000);

describe('parseDatasetReference', () => {
  it('reads a name, a namespaced name and a snapshot suffix', () => {
    expect(parseDatasetReference('transactions')).toEqual({
      ref: { kind: 'dataset', namespace: 'default', name: 'transactions' },
    });
    expect(
      parseDatasetReference('finance/tx@snap-20261126t070102z-3f9a1c'),
    ).toEqual({
      ref: { kind: 'dataset', namespace: 'finance', name: 'tx' },
      snapshot: 'snap-20261126t070102z-3f9a1c',
    });
  });

  it('refuses a snapshot suffix that is not a snapshot id, naming the form to use', () => {
    for (const bad of [
      'tx@',
      'tx@latest',
      'tx@snap-20261126t070102z-3f9a1c/../x',
      'tx@snap-20261126t070102z-3F9A1C',
      '@snap-20261126t070102z-3f9a1c',
    ]) {
      expect(() => parseDatasetReference(bad)).toThrow(
        /name@<snapshot id>|not a dataset name/,
      );
    }
  });
});

describe('reading a dataset at a snapshot (file store, real files)', () => {
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
      metadata: { name: 'transactions', namespace: 'default' },
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
    const snapshots = createSnapshotsService({
      db,
      catalog,
      permissions,
      storage,
      audit: createAuditLogService({ db }),
      logger,
      engines,
    });
    const datasets = createDatasetsService({
      catalog,
      permissions,
      storage,
      engines,
      cache: mockServices.cache.mock(),
      events: mockServices.events.mock(),
      logger,
      maxUploadBytes: 1024 * 1024,
      audit: createAuditLogService({ db }),
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

  const alice = mockCredentials.user.header('user:default/alice');
  const BASE = '/datasets/default/transactions';

  /** Takes a snapshot, then rewrites the data: a.csv gets a new column, b.csv goes, c.csv comes. */
  async function snapshotThenChange(app: express.Express, data: string) {
    const snap = await request(app)
      .post(`${BASE}/snapshots`)
      .set('Authorization', alice)
      .send({ message: 'before the rewrite' })
      .expect(201);
    // writers replace files (new inode), as the file store's own writes do
    await rm(join(data, 'a.csv'));
    await writeFile(join(data, 'a.csv'), 'id,amount,note\n1,15,fixed\n');
    await rm(join(data, 'b.csv'));
    await writeFile(join(data, 'c.csv'), 'id,amount,note\n4,40,new\n');
    return snap.body.id as string;
  }

  it('shows schema, preview and profile as they were at the snapshot', async () => {
    const { app, data } = await setup();
    const id = await snapshotThenChange(app, data);

    const now = await request(app)
      .get(`${BASE}/schema`)
      .set('Authorization', alice)
      .expect(200);
    expect(now.body.columns.map((c: any) => c.name)).toEqual([
      'id',
      'amount',
      'note',
    ]);
    expect(now.body.snapshot).toBeUndefined();

    const then = await request(app)
      .get(`${BASE}/schema?snapshot=${id}`)
      .set('Authorization', alice)
      .expect(200);
    expect(then.body).toMatchObject({
      snapshot: id,
      columns: [
        { name: 'id', type: 'BIGINT' },
        { name: 'amount', type: 'BIGINT' },
      ],
    });

    const preview = await request(app)
      .get(`${BASE}/preview?snapshot=${id}&limit=10`)
      .set('Authorization', alice)
      .expect(200);
    expect(preview.body.snapshot).toBe(id);
    expect(preview.body.rows).toEqual([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    const currentPreview = await request(app)
      .get(`${BASE}/preview`)
      .set('Authorization', alice)
      .expect(200);
    expect(currentPreview.body.rows).toEqual([
      [1, 15, 'fixed'],
      [4, 40, 'new'],
    ]);

    const profile = await request(app)
      .get(`${BASE}/profile?column=amount&snapshot=${id}`)
      .set('Authorization', alice)
      .expect(200);
    expect(profile.body).toMatchObject({
      snapshot: id,
      column: 'amount',
      rows: 3,
      min: '10',
      max: '30',
    });
    // a column that only exists now is not in the snapshot
    const missing = await request(app)
      .get(`${BASE}/profile?column=note&snapshot=${id}`)
      .set('Authorization', alice);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('no column "note"');
  });

  it('runs SQL over "name@<snapshot id>", also joined with the current data', async () => {
    const { app, data } = await setup();
    const id = await snapshotThenChange(app, data);
    const result = await request(app)
      .post('/query')
      .set('Authorization', alice)
      .send({
        sql: `SELECT old.id, old.amount AS before, now.amount AS after
              FROM "transactions@${id}" old
              LEFT JOIN "default/transactions" now ON now.id = old.id
              ORDER BY old.id`,
      })
      .expect(200);
    expect(result.body.rows).toEqual([
      [1, 10, 15],
      [2, 20, null],
      [3, 30, null],
    ]);
    expect(result.body.datasets).toEqual(['dataset:default/transactions']);
    expect(result.body.snapshots).toEqual([
      { datasetRef: 'dataset:default/transactions', snapshotId: id },
    ]);
  });

  it('answers 400 for a malformed snapshot id, 404 for an unknown one and 403 without the read permission', async () => {
    const { app } = await setup();
    const bad = await request(app)
      .get(`${BASE}/preview?snapshot=../../etc`)
      .set('Authorization', alice);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('snapshot: must be a snapshot id');
    const badSql = await request(app)
      .post('/query')
      .set('Authorization', alice)
      .send({ sql: 'SELECT * FROM "transactions@yesterday"' });
    expect(badSql.status).toBe(400);
    expect(badSql.body.error.message).toContain('name@<snapshot id>');
    const unknown = await request(app)
      .get(`${BASE}/schema?snapshot=snap-20260101t000000z-abcdef`)
      .set('Authorization', alice);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain(
      'No snapshot snap-20260101t000000z-abcdef',
    );
    const unknownSql = await request(app)
      .post('/query')
      .set('Authorization', alice)
      .send({
        sql: 'SELECT * FROM "transactions@snap-20260101t000000z-abcdef"',
      });
    expect(unknownSql.status).toBe(404);

    const denied = await setup({
      deny: ['kaml-d.dataset.preview', 'kaml-d.dataset.query'],
    });
    const noPreview = await request(denied.app)
      .get(`${BASE}/preview?snapshot=snap-20260101t000000z-abcdef`)
      .set('Authorization', alice);
    expect(noPreview.status).toBe(403);
    expect(noPreview.body.error.message).toContain('kaml-d.dataset.preview');
    const noQuery = await request(denied.app)
      .post('/query')
      .set('Authorization', alice)
      .send({
        sql: 'SELECT * FROM "transactions@snap-20260101t000000z-abcdef"',
      });
    expect(noQuery.status).toBe(403);
    expect(noQuery.body.error.message).toContain('kaml-d.dataset.query');
  });
});
