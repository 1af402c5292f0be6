import {
  TestDatabases,
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { applyDatabaseMigrations } from '../../database/migrations';
import { createAuditLogService } from '../../services/Audit';
import { createModelVersionsService } from '../../services/ModelVersions';
import { modelVersionRoutes } from './modelVersions';

jest.setTimeout(60_000);

const model = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Model',
  metadata: { name: 'fraud-detector', namespace: 'default' },
  spec: { type: 'classifier', owner: 'team-a' },
};
const notAModel = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'web', namespace: 'default' },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};
const dataset = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Dataset',
  metadata: { name: 'transactions', namespace: 'default' },
  spec: { type: 'tabular', owner: 'team-a' },
};

describe('model version routes', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setup(denied: string[] = []) {
    const db = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(db);
    const base = {
      entity_ref: 'dataset:default/transactions',
      created_at: new Date(),
      created_by: 'user:default/alice',
      message: 'm',
      method: 'copy',
      adapter: 's3',
      bucket: 'b',
      prefix: 'p/',
    };
    await db('kaml_d_dataset_snapshots').insert([
      { ...base, id: 'snap-1', state: 'complete' },
      { ...base, id: 'snap-pending', state: 'pending' },
    ]);
    const audit = createAuditLogService({ db });
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(async reqs =>
      reqs.map(r => ({
        result: denied.includes(r.permission.name)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      })),
    );
    const modelVersions = createModelVersionsService({
      db,
      catalog: catalogServiceMock({ entities: [model, notAModel, dataset] }),
      permissions,
      audit,
    });
    const app = express();
    app.use(express.json());
    app.use(
      modelVersionRoutes({ httpAuth: mockServices.httpAuth(), modelVersions }),
    );
    app.use(mockErrorHandler());
    return { app, db, audit, modelVersions };
  }

  const alice = mockCredentials.user.header('user:default/alice');
  const versionsPath = '/models/default/fraud-detector/versions';

  it('registers versions with lineage, lists newest first, compares and promotes, all audited', async () => {
    const { app, audit } = await setup();
    const first = await request(app)
      .post(versionsPath)
      .set('Authorization', alice)
      .send({
        artifactUri: 's3://models/fraud-detector/1/model.onnx',
        metrics: { auc: 0.91, f1: 0.8 },
        parameters: { lr: 0.01 },
        trainedOn: [
          { datasetRef: 'dataset:default/transactions', snapshotId: 'snap-1' },
        ],
        run: { namespace: 'ml', name: 'train-fraud-1', taskId: 'task-1' },
      });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      entityRef: 'model:default/fraud-detector',
      version: 1,
      createdBy: 'user:default/alice',
      trainedOn: [
        { datasetRef: 'dataset:default/transactions', snapshotId: 'snap-1' },
      ],
      run: { namespace: 'ml', name: 'train-fraud-1', taskId: 'task-1' },
      aliases: [],
    });
    const second = await request(app)
      .post(versionsPath)
      .set('Authorization', alice)
      .send({
        artifactUri: 'models/2/model.onnx',
        metrics: { auc: 0.94, loss: 0.2 },
      });
    expect(second.status).toBe(201);
    expect(second.body.version).toBe(2);

    const promoted = await request(app)
      .put('/models/default/fraud-detector/aliases/champion')
      .set('Authorization', alice)
      .send({ version: 1 });
    expect(promoted.status).toBe(200);
    expect(promoted.body.aliases).toEqual(['champion']);
    // moving the alias
    await request(app)
      .put('/models/default/fraud-detector/aliases/champion')
      .set('Authorization', alice)
      .send({ version: 2 })
      .expect(200);

    const list = await request(app)
      .get(versionsPath)
      .set('Authorization', alice);
    expect(list.status).toBe(200);
    expect(list.body.items.map((v: any) => v.version)).toEqual([2, 1]);
    expect(list.body.aliases).toEqual({ champion: 2 });
    expect(list.body.items[0].aliases).toEqual(['champion']);
    expect(list.body.items[1].aliases).toEqual([]);

    const one = await request(app)
      .get(`${versionsPath}/1`)
      .set('Authorization', alice);
    expect(one.body.metrics).toEqual({ auc: 0.91, f1: 0.8 });
    await request(app)
      .get(`${versionsPath}/9`)
      .set('Authorization', alice)
      .expect(404);

    const compare = await request(app)
      .get(`${versionsPath}/compare?versions=2,1`)
      .set('Authorization', alice);
    expect(compare.status).toBe(200);
    expect(compare.body).toEqual({
      entityRef: 'model:default/fraud-detector',
      versions: [2, 1],
      metrics: ['auc', 'f1', 'loss'],
      rows: [
        { version: 2, values: [0.94, null, 0.2] },
        { version: 1, values: [0.91, 0.8, null] },
      ],
    });
    await request(app)
      .get(`${versionsPath}/compare?versions=1,7`)
      .set('Authorization', alice)
      .expect(404);
    await request(app)
      .get(`${versionsPath}/compare?versions=1;drop`)
      .set('Authorization', alice)
      .expect(400);

    const lineage = await request(app)
      .get('/datasets/default/transactions/snapshots/snap-1/models')
      .set('Authorization', alice);
    expect(lineage.status).toBe(200);
    expect(
      lineage.body.items.map((v: any) => [v.entityRef, v.version]),
    ).toEqual([['model:default/fraud-detector', 1]]);

    const events = await audit.list({
      entityRef: 'model:default/fraud-detector',
    });
    expect(events.items.map(e => [e.action, e.details])).toEqual([
      [
        'model.version.promote',
        { alias: 'champion', version: 2, previousVersion: 1 },
      ],
      ['model.version.promote', { alias: 'champion', version: 1 }],
      [
        'model.version.register',
        { version: 2, artifactUri: 'models/2/model.onnx', trainedOn: [] },
      ],
      [
        'model.version.register',
        {
          version: 1,
          artifactUri: 's3://models/fraud-detector/1/model.onnx',
          trainedOn: ['dataset:default/transactions@snap-1'],
          run: 'ml/train-fraud-1',
        },
      ],
    ]);
    expect(events.items.every(e => e.actor === 'user:default/alice')).toBe(
      true,
    );
  });

  it('gives concurrent registrations distinct consecutive versions', async () => {
    const { modelVersions } = await setup();
    const credentials = mockCredentials.user('user:default/alice');
    const ref = { kind: 'model', namespace: 'default', name: 'fraud-detector' };
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        modelVersions.register(
          ref,
          { artifactUri: `models/${i}/model.onnx` },
          credentials,
        ),
      ),
    );
    expect(results.map(r => r.version).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('answers 404 for an unknown model or an entity that is not a Model', async () => {
    const { app } = await setup();
    const unknown = await request(app)
      .post('/models/default/nope/versions')
      .set('Authorization', alice)
      .send({ artifactUri: 's3://models/x/model.onnx' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('No model model:default/nope');
    await request(app)
      .get('/models/default/web/versions')
      .set('Authorization', alice)
      .expect(404);
  });

  it('rejects bad input with a 400 naming what to change, writing nothing', async () => {
    const { app, db } = await setup();
    const cases: Array<[object, string]> = [
      [
        {
          artifactUri: 's3://models/m.onnx',
          trainedOn: [
            {
              datasetRef: 'dataset:default/transactions',
              snapshotId: 'snap-404',
            },
          ],
        },
        'trainedOn[0]: dataset:default/transactions has no complete snapshot "snap-404"',
      ],
      [
        {
          artifactUri: 's3://models/m.onnx',
          trainedOn: [
            {
              datasetRef: 'dataset:default/transactions',
              snapshotId: 'snap-pending',
            },
          ],
        },
        'no complete snapshot "snap-pending"',
      ],
      [
        {
          artifactUri: 's3://models/m.onnx',
          trainedOn: [
            { datasetRef: 'component:default/web', snapshotId: 'snap-1' },
          ],
        },
        'trainedOn[0]: "component:default/web" is not a dataset entity ref',
      ],
      [
        { artifactUri: 'ftp://host/model.onnx' },
        'artifactUri: must be an s3://',
      ],
      [{ artifactUri: '../../etc/passwd' }, 'artifactUri'],
      [{ artifactUri: 'models/m', metrics: { auc: 'high' } }, 'metrics.auc'],
      [{ artifactUri: 'models/m', extra: 1 }, 'Unrecognized key'],
    ];
    for (const [body, message] of cases) {
      const res = await request(app)
        .post(versionsPath)
        .set('Authorization', alice)
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
    }
    expect(await db('kaml_d_model_versions').count({ n: '*' })).toEqual([
      { n: 0 },
    ]);
    expect(await db('kaml_d_audit_log').count({ n: '*' })).toEqual([{ n: 0 }]);

    await request(app)
      .post(versionsPath)
      .set('Authorization', alice)
      .send({ artifactUri: 'models/m' })
      .expect(201);
    for (const alias of ['Champion', '-x', 'a_b', 'x'.repeat(64)]) {
      const res = await request(app)
        .put(`/models/default/fraud-detector/aliases/${alias}`)
        .set('Authorization', alice)
        .send({ version: 1 });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('is not valid');
    }
    const missing = await request(app)
      .put('/models/default/fraud-detector/aliases/champion')
      .set('Authorization', alice)
      .send({ version: 5 });
    expect(missing.status).toBe(404);
    expect(await db('kaml_d_model_aliases').count({ n: '*' })).toEqual([
      { n: 0 },
    ]);
  });

  it('answers 403 naming the permission when the caller may not train or promote', async () => {
    const { app, db } = await setup([
      'kaml-d.model.train',
      'kaml-d.model.version.promote',
    ]);
    const register = await request(app)
      .post(versionsPath)
      .set('Authorization', alice)
      .send({ artifactUri: 'models/m' });
    expect(register.status).toBe(403);
    expect(register.body.error.message).toContain('kaml-d.model.train');
    await db('kaml_d_model_versions').insert({
      entity_ref: 'model:default/fraud-detector',
      version: 1,
      artifact_uri: 'models/m',
      metrics: '{}',
      parameters: '{}',
      created_at: new Date(),
      created_by: 'user:default/bob',
    });
    const promote = await request(app)
      .put('/models/default/fraud-detector/aliases/champion')
      .set('Authorization', alice)
      .send({ version: 1 });
    expect(promote.status).toBe(403);
    expect(promote.body.error.message).toContain(
      'kaml-d.model.version.promote',
    );
    // reading stays open to whoever sees the model
    const list = await request(app)
      .get(versionsPath)
      .set('Authorization', alice);
    expect(list.body.items).toHaveLength(1);
  });
});
