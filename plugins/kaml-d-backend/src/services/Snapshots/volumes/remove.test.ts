import knexFactory, { Knex } from 'knex';
import { applyDatabaseMigrations } from '../../../database/migrations';
import { createAuditLogService } from '../../Audit';
import { NS, dataset, fakeCluster } from './__testUtils__/fakeCluster';
import { createVolumeSnapshots } from './volumeSnapshots';

const ALICE = 'user:default/alice';

describe('deleting volume snapshots, settling and the orphan sweep', () => {
  let db: Knex;
  beforeEach(async () => {
    db = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    await applyDatabaseMigrations(db);
  });
  afterEach(() => db.destroy());

  function service(
    cluster: ReturnType<typeof fakeCluster>,
    orphans: 'report' | 'delete' = 'report',
  ) {
    const audit = createAuditLogService({ db });
    const volumes = createVolumeSnapshots({
      db,
      audit,
      api: cluster.api,
      config: {
        cluster: 'rig',
        readyTimeoutMs: 5000,
        bindTimeoutMs: 5000,
        orphans,
        orphanGraceMs: 60_000,
      },
    });
    return { audit, volumes };
  }

  async function takeReady(volumes: ReturnType<typeof service>['volumes']) {
    const { id } = await volumes.take(dataset, 'x', ALICE);
    const end = Date.now() + 20_000;
    for (;;) {
      const found = (await volumes.list(dataset)).find(s => s.id === id);
      if (found?.state === 'complete') return found;
      if (Date.now() > end) throw new Error(`${id} did not complete`);
      await new Promise(r => setTimeout(r, 100));
    }
  }

  /** A VolumeSnapshot labelled as KAML-D's, made long ago (older than the sweep's grace). */
  function oldLabelled(
    cluster: ReturnType<typeof fakeCluster>,
    name: string,
    datasetName = 'traffic',
  ) {
    cluster.snapshots.set(name, {
      metadata: {
        name,
        namespace: NS,
        creationTimestamp: new Date(Date.now() - 86_400_000).toISOString(),
        labels: {
          'app.kubernetes.io/managed-by': 'kaml-d',
          'kaml-d.io/dataset': datasetName,
          'kaml-d.io/snapshot-id': name,
        },
        annotations: {
          'kaml-d.io/entity-ref': `dataset:default/${datasetName}`,
        },
      },
      spec: { source: { persistentVolumeClaimName: 'traffic' } },
      status: { readyToUse: true },
    });
  }

  it('refuses to delete a snapshot pinned to a model version, naming the version; deletes it once unpinned; audits both', async () => {
    const cluster = fakeCluster({ readyAfter: 1 });
    const { volumes, audit } = service(cluster);
    const snap = await takeReady(volumes);
    await db('kaml_d_model_version_datasets').insert({
      entity_ref: 'model:default/churn',
      version: 3,
      dataset_ref: dataset.entityRef,
      snapshot_id: snap.id,
    });
    await expect(volumes.delete(dataset, snap.id, ALICE)).rejects.toThrow(
      `Snapshot ${snap.id} of dataset:default/traffic is pinned to model version model:default/churn v3`,
    );
    expect(cluster.snapshots.has(snap.id)).toBe(true);
    expect((await volumes.list(dataset)).map(s => s.id)).toEqual([snap.id]);

    await db('kaml_d_model_version_datasets').delete();
    await volumes.delete(dataset, snap.id, 'user:default/bob');
    expect(cluster.snapshots.has(snap.id)).toBe(false);
    expect(await volumes.list(dataset)).toEqual([]);
    await expect(volumes.delete(dataset, snap.id, ALICE)).rejects.toThrow(
      /No snapshot/,
    );
    const events = (
      await audit.list({
        entityRef: dataset.entityRef,
        action: 'dataset.snapshot.delete',
      })
    ).items;
    expect(
      events.map(e => [e.actor, e.outcome]).sort((a, b) => (a < b ? -1 : 1)),
    ).toEqual([
      [ALICE, 'failure'],
      ['user:default/bob', 'success'],
    ]);
  });

  it('a cluster that refuses the delete keeps the snapshot recorded', async () => {
    const cluster = fakeCluster({ readyAfter: 1 });
    const { volumes } = service(cluster);
    const snap = await takeReady(volumes);
    cluster.api.deleteSnapshot = async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
    };
    await expect(volumes.delete(dataset, snap.id, ALICE)).rejects.toThrow(
      /Kubernetes is unavailable \(Deleting the VolumeSnapshot on cluster rig/,
    );
    expect((await volumes.list(dataset)).map(s => s.id)).toEqual([snap.id]);
  });

  it('settles a take a stopped backend left pending once its VolumeSnapshot is ready', async () => {
    const cluster = fakeCluster();
    const { volumes, audit } = service(cluster);
    const id = 'snap-20261207t100000z-abcdef';
    oldLabelled(cluster, id);
    cluster.snapshots.get(id)!.status = {
      readyToUse: true,
      restoreSize: '1Gi',
      boundVolumeSnapshotContentName: 'snapcontent-1',
    };
    await db('kaml_d_dataset_snapshots').insert({
      id,
      entity_ref: dataset.entityRef,
      state: 'pending',
      reason: 'manual',
      created_at: new Date(),
      created_by: ALICE,
      message: 'left behind',
      method: 'volume-snapshot',
      adapter: 'volume-snapshot',
      bucket: 'rig',
      prefix: `${NS}/traffic`,
      object_count: 0,
      total_bytes: 0,
      digest: 'vsc:',
    });
    expect(await volumes.settlePending()).toBe(1);
    expect(await volumes.settlePending()).toBe(0);
    const [listed] = await volumes.list(dataset);
    expect(listed).toMatchObject({
      id,
      state: 'complete',
      totalBytes: 2 ** 30,
      volume: { readyToUse: true, content: 'snapcontent-1' },
    });
    const events = (await audit.list({ entityRef: dataset.entityRef })).items;
    expect(events.map(e => [e.action, e.actor, e.outcome])).toEqual([
      ['dataset.snapshot.create', ALICE, 'success'],
    ]);
  });

  it('reports VolumeSnapshots nothing records, or whose dataset is gone, and leaves recorded and young ones alone', async () => {
    const cluster = fakeCluster({ readyAfter: 1 });
    const { volumes } = service(cluster);
    const kept = await takeReady(volumes);
    // young: a take creates its VolumeSnapshot just before its row
    const young = await volumes.take(dataset, 'y', ALICE);
    oldLabelled(cluster, 'snap-20261101t000000z-000001');
    const exists = async (ref: string) => ref === dataset.entityRef;
    const found = await volumes.sweepOrphans({
      datasetExists: exists,
      actor: 'service:plugin:kaml-d',
    });
    expect(found).toEqual([
      {
        namespace: NS,
        name: 'snap-20261101t000000z-000001',
        entityRef: dataset.entityRef,
        reason: 'not recorded in the KAML-D database',
        action: 'reported',
      },
    ]);
    expect(cluster.snapshots.has('snap-20261101t000000z-000001')).toBe(true);
    expect(cluster.snapshots.has(young.id)).toBe(true);

    // the dataset left the catalog: its (old) snapshot is an orphan too
    cluster.snapshots.get(kept.id)!.metadata.creationTimestamp = new Date(
      Date.now() - 86_400_000,
    ).toISOString();
    const gone = await volumes.sweepOrphans({
      datasetExists: async () => false,
      actor: 'service:plugin:kaml-d',
    });
    expect(gone.map(o => [o.name, o.reason, o.action])).toContainEqual([
      kept.id,
      'its dataset dataset:default/traffic is no longer in the catalog',
      'reported',
    ]);
  });

  it('deletes orphans when kamlD.volumes.orphans is delete, keeping those pinned to a model version, and audits it', async () => {
    const cluster = fakeCluster({ readyAfter: 1 });
    const { volumes, audit } = service(cluster, 'delete');
    const pinned = await takeReady(volumes);
    const loose = await takeReady(volumes);
    await db('kaml_d_model_version_datasets').insert({
      entity_ref: 'model:default/churn',
      version: 1,
      dataset_ref: dataset.entityRef,
      snapshot_id: pinned.id,
    });
    for (const id of [pinned.id, loose.id]) {
      cluster.snapshots.get(id)!.metadata.creationTimestamp = new Date(
        Date.now() - 86_400_000,
      ).toISOString();
    }
    oldLabelled(cluster, 'snap-20261101t000000z-000002');
    const found = await volumes.sweepOrphans({
      datasetExists: async () => false,
      actor: 'service:plugin:kaml-d',
    });
    expect(
      found.map(o => [o.name, o.action]).sort((a, b) => (a < b ? -1 : 1)),
    ).toEqual(
      [
        [pinned.id, 'kept'],
        [loose.id, 'deleted'],
        ['snap-20261101t000000z-000002', 'deleted'],
      ].sort((a, b) => (a < b ? -1 : 1)),
    );
    expect(found.find(o => o.action === 'kept')?.reason).toMatch(
      /kept: pinned to model version model:default\/churn v1/,
    );
    expect([...cluster.snapshots.keys()]).toEqual([pinned.id]);
    expect((await volumes.list(dataset)).map(s => s.id)).toEqual([pinned.id]);
    const deletes = (await audit.list({ action: 'dataset.snapshot.delete' }))
      .items;
    expect(deletes).toHaveLength(2);
    expect(deletes[0]).toMatchObject({
      actor: 'service:plugin:kaml-d',
      outcome: 'success',
    });
  });
});
