import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import knexFactory, { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { applyDatabaseMigrations } from '../database/migrations';
import { createAuditLogService } from '../services/Audit';
import { createModelVersionsService } from '../services/ModelVersions';
import { rigEnv } from './rigEnv';

jest.setTimeout(120_000);

// a database of this test's own, dropped afterwards
const database = `kaml_d_mv_rig_${randomBytes(4).toString('hex')}`;

function connect(db: string): Knex {
  return knexFactory({
    client: 'pg',
    connection: {
      host: rigEnv('KAML_RIG_PG_HOST'),
      port: Number(rigEnv('KAML_RIG_PG_PORT')),
      user: rigEnv('KAML_RIG_PG_USER'),
      password: rigEnv('KAML_RIG_PG_PASSWORD'),
      database: db,
    },
    pool: { min: 0, max: 10 },
  });
}

describe('model versions on the rig PostgreSQL', () => {
  const admin = connect(rigEnv('KAML_RIG_PG_DATABASE'));
  let db: Knex;

  beforeAll(async () => {
    await admin.raw('CREATE DATABASE ??', [database]);
    db = connect(database);
    await applyDatabaseMigrations(db);
    await db('kaml_d_dataset_snapshots').insert({
      id: 'snap-rig-1',
      entity_ref: 'dataset:default/transactions',
      state: 'complete',
      created_at: new Date(),
      created_by: 'user:default/alice',
      message: 'rig',
      method: 'copy',
      adapter: 's3',
      bucket: 'b',
      prefix: 'p/',
    });
  });

  afterAll(async () => {
    await db?.destroy();
    await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [database]);
    await admin.destroy();
  });

  function service() {
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(async reqs =>
      reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
    );
    return createModelVersionsService({
      db,
      catalog: catalogServiceMock({
        entities: [
          {
            apiVersion: 'kaml-d.io/v1alpha1',
            kind: 'Model',
            metadata: { name: 'fraud-detector', namespace: 'default' },
            spec: { owner: 'team-a' },
          },
          {
            apiVersion: 'kaml-d.io/v1alpha1',
            kind: 'Dataset',
            metadata: { name: 'transactions', namespace: 'default' },
            spec: { owner: 'team-a' },
          },
        ],
      }),
      permissions,
      audit: createAuditLogService({ db }),
    });
  }
  const ref = { kind: 'model', namespace: 'default', name: 'fraud-detector' };
  const alice = mockCredentials.user('user:default/alice');

  it('gives 12 concurrent registrations distinct consecutive versions, each audited once', async () => {
    const versions = service();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        versions.register(
          ref,
          {
            artifactUri: `s3://models/fraud-detector/${i}/model.onnx`,
            metrics: { auc: 0.8 + i / 100 },
            trainedOn: [
              {
                datasetRef: 'dataset:default/transactions',
                snapshotId: 'snap-rig-1',
              },
            ],
          },
          alice,
        ),
      ),
    );
    expect(results.map(r => r.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    const audited = await db('kaml_d_audit_log')
      .where({ action: 'model.version.register' })
      .count({ n: '*' });
    expect(Number(audited[0].n)).toBe(12);
    const links = await db('kaml_d_model_version_datasets').count({ n: '*' });
    expect(Number(links[0].n)).toBe(12);
  });

  it('lists newest first, compares, promotes and follows lineage', async () => {
    const versions = service();
    await versions.promote(ref, 'champion', 3, alice);
    await versions.promote(ref, 'champion', 5, alice);
    const list = await versions.list(ref, alice);
    expect(list.items[0].version).toBe(12);
    expect(list.aliases).toEqual({ champion: 5 });
    expect(list.items.find(v => v.version === 5)!.aliases).toEqual([
      'champion',
    ]);
    const comparison = await versions.compare(ref, [1, 2], alice);
    expect(comparison.metrics).toEqual(['auc']);
    expect(comparison.rows).toHaveLength(2);
    const lineage = await versions.trainedOnSnapshot(
      { kind: 'dataset', namespace: 'default', name: 'transactions' },
      'snap-rig-1',
      alice,
    );
    expect(lineage).toHaveLength(12);
    await expect(
      versions.register(
        ref,
        {
          artifactUri: 'models/x',
          trainedOn: [
            { datasetRef: 'dataset:default/transactions', snapshotId: 'nope' },
          ],
        },
        alice,
      ),
    ).rejects.toThrow('no complete snapshot "nope"');
  });
});
