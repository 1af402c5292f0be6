import request from 'supertest';
import {
  alice,
  churn,
  credentials,
  datasetRef,
  fraud,
  trainedOn,
  versionsApp,
} from '../../__testUtils__/versionsApp';

jest.setTimeout(60_000);

/** The Dataset Versions tab's timeline in one request: each snapshot with its model versions. */
describe('GET /datasets/:namespace/:name/snapshots?include=models', () => {
  const setup = versionsApp();

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
});
