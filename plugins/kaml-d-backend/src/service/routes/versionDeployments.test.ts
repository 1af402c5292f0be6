import { ModelRunsResponse } from '../../services/Runs';
import request from 'supertest';
import {
  alice,
  credentials,
  datasetRef,
  fraud,
  trainedOn,
  versionsApp,
} from '../../__testUtils__/versionsApp';

jest.setTimeout(60_000);

/** The Model Versions tab in one request: versions, aliases and the deployments serving them. */
describe('GET /models/:namespace/:name/versions?include=deployments', () => {
  const setup = versionsApp();

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
