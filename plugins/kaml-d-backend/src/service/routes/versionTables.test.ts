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
import request from 'supertest';
import {
  testStorageBindings,
  TRUSTED_TEST_ANNOTATIONS,
} from '../../__testUtils__/bindings';
import { applyDatabaseMigrations } from '../../database/migrations';
import { createAuditLogService } from '../../services/Audit';
import { createModelVersionsService } from '../../services/ModelVersions';
import {
  createQueryEngineService,
  readQueryConfig,
} from '../../services/QueryEngine';
import { ModelRunsResponse, RunsService } from '../../services/Runs';
import { createSnapshotsService } from '../../services/Snapshots';
import {
  createLinkSigner,
  createStorageService,
  readStorageConfig,
} from '../../services/Storage';
import { modelVersionRoutes } from './modelVersions';
import { snapshotRoutes } from './snapshots';

jest.setTimeout(60_000);

const model = (name: string) => ({
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Model',
  metadata: { name, namespace: 'default' },
  spec: { type: 'classifier', owner: 'group:default/data' },
});

const alice = mockCredentials.user.header('user:default/alice');
const credentials = mockCredentials.user('user:default/alice');

/**
 * The Versions tabs' tables in one request each: the snapshot list with the model versions
 * trained on each snapshot, and the model versions with the deployments serving them.
 */
describe('versions tables in one request', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-versions-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function setup(
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
  }

  const datasetRef = {
    kind: 'dataset',
    namespace: 'default',
    name: 'transactions',
  };
  const fraud = { kind: 'model', namespace: 'default', name: 'fraud-detector' };
  const churn = {
    kind: 'model',
    namespace: 'default',
    name: 'churn-predictor',
  };
  const trainedOn = (snapshotId: string) => ({
    trainedOn: [{ datasetRef: 'dataset:default/transactions', snapshotId }],
  });

  it('lists every snapshot with the model versions trained on it', async () => {
    const { app, db, snapshots, modelVersions, requests } = await setup();
    const first = await snapshots.create(
      datasetRef,
      { message: 'first' },
      credentials,
    );
    const second = await snapshots.create(
      datasetRef,
      { message: 'second' },
      credentials,
    );
    const third = await snapshots.create(
      datasetRef,
      { message: 'third' },
      credentials,
    );
    await modelVersions.register(
      fraud,
      { artifactUri: 'models/1', ...trainedOn(first.id) },
      credentials,
    );
    await modelVersions.register(
      fraud,
      { artifactUri: 'models/2', ...trainedOn(second.id) },
      credentials,
    );
    await modelVersions.register(
      churn,
      { artifactUri: 'models/c1', ...trainedOn(second.id) },
      credentials,
    );
    await modelVersions.promote(fraud, 'champion', 2, credentials);
    // a version of a model the caller cannot see (no longer in the catalog)
    await db('kaml_d_model_versions').insert({
      entity_ref: 'model:default/secret-model',
      version: 1,
      artifact_uri: 'models/s',
      metrics: '{}',
      parameters: '{}',
      created_at: new Date(),
      created_by: 'user:default/bob',
    });
    await db('kaml_d_model_version_datasets').insert({
      entity_ref: 'model:default/secret-model',
      version: 1,
      dataset_ref: 'dataset:default/transactions',
      snapshot_id: first.id,
    });

    const before = requests();
    const res = await request(app)
      .get('/datasets/default/transactions/snapshots?include=models')
      .set('Authorization', alice);
    expect(requests() - before).toBe(1);
    expect(res.status).toBe(200);
    expect(res.body.items.map((s: any) => [s.message, s.models])).toEqual([
      ['third', []],
      [
        'second',
        [
          {
            entityRef: 'model:default/churn-predictor',
            version: 1,
            aliases: [],
          },
          {
            entityRef: 'model:default/fraud-detector',
            version: 2,
            aliases: ['champion'],
          },
        ],
      ],
      [
        'first',
        [
          {
            entityRef: 'model:default/fraud-detector',
            version: 1,
            aliases: [],
          },
        ],
      ],
    ]);
    expect(res.body.items[0].id).toBe(third.id);

    // without include the list stays as it was
    const plain = await request(app)
      .get('/datasets/default/transactions/snapshots')
      .set('Authorization', alice);
    expect(plain.body.items[0]).not.toHaveProperty('models');
  });

  it('keeps the list permission and rejects an unknown include', async () => {
    const { app } = await setup({ deny: ['kaml-d.dataset.preview'] });
    const denied = await request(app)
      .get('/datasets/default/transactions/snapshots?include=models')
      .set('Authorization', alice);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('kaml-d.dataset.preview');
    const bad = await request(app)
      .get('/datasets/default/transactions/snapshots?include=everything')
      .set('Authorization', alice);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('include: must be models');
  });

  it('lists the versions with the deployments serving them and their snapshots', async () => {
    const deployments: ModelRunsResponse['deployments'] = [
      {
        name: 'fraud-v2',
        namespace: 'models',
        version: 'v2',
        track: 'stable',
        desiredReplicas: 2,
        readyReplicas: 2,
        endpoint: 'http://a',
      },
      {
        name: 'fraud-canary',
        namespace: 'models',
        version: '1',
        track: 'canary',
        desiredReplicas: 1,
        readyReplicas: 0,
        endpoint: 'http://b',
      },
      {
        name: 'fraud-old',
        namespace: 'models',
        version: '1.4.0',
        desiredReplicas: 1,
        readyReplicas: 1,
        endpoint: 'http://c',
      },
      {
        name: 'fraud-unlabelled',
        namespace: 'models',
        desiredReplicas: 1,
        readyReplicas: 1,
        endpoint: 'http://d',
      },
    ];
    const runs = jest.fn(async () => ({
      model: 'model:default/fraud-detector',
      runs: [],
      deployments,
    }));
    const { app, snapshots, modelVersions, requests } = await setup({ runs });
    const snap = await snapshots.create(
      datasetRef,
      { message: 'm' },
      credentials,
    );
    await modelVersions.register(
      fraud,
      { artifactUri: 'models/1', ...trainedOn(snap.id) },
      credentials,
    );
    await modelVersions.register(
      fraud,
      { artifactUri: 'models/2' },
      credentials,
    );
    await modelVersions.promote(fraud, 'champion', 2, credentials);

    const before = requests();
    const res = await request(app)
      .get('/models/default/fraud-detector/versions?include=deployments')
      .set('Authorization', alice);
    expect(requests() - before).toBe(1);
    expect(res.status).toBe(200);
    expect(res.body.items.map((v: any) => v.version)).toEqual([2, 1]);
    expect(res.body.deploymentsError).toBeUndefined();
    expect(res.body.deployments).toEqual([
      {
        name: 'fraud-v2',
        namespace: 'models',
        label: 'v2',
        track: 'stable',
        desiredReplicas: 2,
        readyReplicas: 2,
        served: { version: 2, aliases: ['champion'], trainedOn: [] },
      },
      {
        name: 'fraud-canary',
        namespace: 'models',
        label: '1',
        track: 'canary',
        desiredReplicas: 1,
        readyReplicas: 0,
        served: {
          version: 1,
          aliases: [],
          trainedOn: [
            { datasetRef: 'dataset:default/transactions', snapshotId: snap.id },
          ],
        },
      },
      {
        name: 'fraud-old',
        namespace: 'models',
        label: '1.4.0',
        desiredReplicas: 1,
        readyReplicas: 1,
      },
      {
        name: 'fraud-unlabelled',
        namespace: 'models',
        desiredReplicas: 1,
        readyReplicas: 1,
      },
    ]);
    // the cluster is read with the caller's credentials (its catalog access to the model)
    expect(runs).toHaveBeenCalledWith(
      fraud,
      expect.objectContaining({
        principal: expect.objectContaining({
          userEntityRef: 'user:default/alice',
        }),
      }),
    );

    const plain = await request(app)
      .get('/models/default/fraud-detector/versions')
      .set('Authorization', alice);
    expect(plain.body).not.toHaveProperty('deployments');
    expect(runs).toHaveBeenCalledTimes(1);
  });

  it('reports an unreadable cluster beside the versions, and 404 for an unknown model', async () => {
    const { app, modelVersions } = await setup({
      runs: async () => {
        throw new Error('connect ECONNREFUSED 10.0.0.1:6443');
      },
    });
    await modelVersions.register(
      fraud,
      { artifactUri: 'models/1' },
      credentials,
    );
    const res = await request(app)
      .get('/models/default/fraud-detector/versions?include=deployments')
      .set('Authorization', alice);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.deployments).toEqual([]);
    expect(res.body.deploymentsError).toBe(
      'Could not read the deployments: connect ECONNREFUSED 10.0.0.1:6443',
    );
    await request(app)
      .get('/models/default/nope/versions?include=deployments')
      .set('Authorization', alice)
      .expect(404);
    const bad = await request(app)
      .get('/models/default/fraud-detector/versions?include=pods')
      .set('Authorization', alice);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('include: must be deployments');
  });
});
