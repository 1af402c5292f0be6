import { DatasetSnapshot } from '@kaml-d/plugin-kaml-d-common';
import knexFactory, { Knex } from 'knex';
import { applyDatabaseMigrations } from '../../../database/migrations';
import { createAuditLogService } from '../../Audit';
import { NS, dataset, fakeCluster } from './__testUtils__/fakeCluster';
import { createVolumeSnapshots } from './volumeSnapshots';

describe('volume snapshots', () => {
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
    readyTimeoutMs = 5000,
    orphans: 'report' | 'delete' = 'report',
  ) {
    const audit = createAuditLogService({ db });
    return {
      audit,
      volumes: createVolumeSnapshots({
        db,
        audit,
        api: cluster.api,
        config: {
          cluster: 'rig',
          snapshotClass: 'rig-class',
          readyTimeoutMs,
          bindTimeoutMs: 5000,
          orphans,
          orphanGraceMs: 60_000,
        },
      }),
    };
  }

  /** Polls the list until the snapshot is no longer pending (the take's watcher settles it). */
  async function settled(
    volumes: ReturnType<typeof service>['volumes'],
    id: string,
  ): Promise<DatasetSnapshot> {
    const end = Date.now() + 20_000;
    for (;;) {
      const found = (await volumes.list(dataset)).find(s => s.id === id);
      if (found && found.state !== 'pending') return found;
      if (Date.now() > end) throw new Error(`${id} still pending`);
      await new Promise(r => setTimeout(r, 100));
    }
  }

  async function takeReady(
    volumes: ReturnType<typeof service>['volumes'],
  ): Promise<DatasetSnapshot> {
    const snap = await volumes.take(dataset, 'x', 'user:default/alice');
    return settled(volumes, snap.id);
  }

  it('takes a VolumeSnapshot labelled with the dataset and id, answers pending at once, completes once ready, audits it once', async () => {
    const cluster = fakeCluster({ readyAfter: 2 });
    const { volumes, audit } = service(cluster);
    const pending = await volumes.take(
      dataset,
      'before training',
      'user:default/alice',
    );
    expect(pending).toMatchObject({
      state: 'pending',
      method: 'volume-snapshot',
      volume: { readyToUse: false, claim: 'traffic' },
    });
    expect((await audit.list({ entityRef: dataset.entityRef })).items).toEqual(
      [],
    );
    const snap = await settled(volumes, pending.id);
    const object = cluster.snapshots.get(snap.id)!;
    expect(object.metadata.labels).toMatchObject({
      'kaml-d.io/dataset': 'traffic',
      'kaml-d.io/snapshot-id': snap.id,
    });
    expect(object.spec).toEqual({
      source: { persistentVolumeClaimName: 'traffic' },
      volumeSnapshotClassName: 'rig-class',
    });
    expect(snap).toMatchObject({
      state: 'complete',
      method: 'volume-snapshot',
      message: 'before training',
      totalBytes: 2 * 2 ** 30,
      volume: {
        readyToUse: true,
        content: `snapcontent-${snap.id}`,
        restoreSize: '2Gi',
        claim: 'traffic',
      },
    });
    const events = (await audit.list({ entityRef: dataset.entityRef })).items;
    expect(events.map(e => [e.action, e.outcome])).toEqual([
      ['dataset.snapshot.create', 'success'],
    ]);
    const listed = await volumes.list(dataset);
    expect(listed.map(s => [s.id, s.volume?.readyToUse])).toEqual([
      [snap.id, true],
    ]);
  });

  it('refuses a claim that does not carry the dataset label, creating nothing', async () => {
    const cluster = fakeCluster({ readyAfter: 1 });
    cluster.claims.get('traffic')!.metadata!.labels = {
      'kaml-d.io/dataset': 'other',
    };
    const { volumes } = service(cluster);
    await expect(
      volumes.take(dataset, 'x', 'user:default/alice'),
    ).rejects.toThrow(
      /not bound to dataset:default\/traffic: its label kaml-d.io\/dataset is "other"/,
    );
    expect(cluster.snapshots.size).toBe(0);
  });

  it('a snapshot that never becomes ready fails: its VolumeSnapshot is removed, the reason listed, the failure audited', async () => {
    const cluster = fakeCluster();
    const { volumes, audit } = service(cluster, 1200);
    const pending = await volumes.take(dataset, 'x', 'user:default/alice');
    const failed = await settled(volumes, pending.id);
    expect(failed).toMatchObject({
      state: 'failed',
      volume: {
        readyToUse: false,
        error: expect.stringMatching(
          /was not readyToUse within 1s \(is the CSI driver/,
        ),
      },
    });
    expect(cluster.deleted).toEqual([pending.id]);
    expect(cluster.snapshots.size).toBe(0);
    await expect(
      volumes.restore(dataset, pending.id, {}, 'user:default/bob'),
    ).rejects.toThrow(/No snapshot/);
    const events = (await audit.list({ entityRef: dataset.entityRef })).items;
    expect(events.map(e => e.outcome)).toEqual(['failure']);
  });

  it('lists recorded snapshots with the reason when the cluster is down or the VolumeSnapshot is gone', async () => {
    const cluster = fakeCluster({ readyAfter: 1 });
    const { volumes } = service(cluster);
    const snap = await takeReady(volumes);
    cluster.snapshots.delete(snap.id);
    expect((await volumes.list(dataset))[0].volume).toMatchObject({
      readyToUse: false,
      error: expect.stringMatching(/is gone from cluster rig/),
    });
    cluster.options.down = true;
    expect((await volumes.list(dataset))[0].volume).toMatchObject({
      readyToUse: false,
      error: expect.stringMatching(/Kubernetes is unavailable.*ECONNREFUSED/),
    });
  });

  it('restores into a new claim from the snapshot, never over an existing one', async () => {
    const cluster = fakeCluster({ readyAfter: 1 });
    const { volumes, audit } = service(cluster);
    const snap = await takeReady(volumes);
    const answer = await volumes.restore(
      dataset,
      snap.id,
      { claimName: 'traffic-v1' },
      'user:default/bob',
    );
    expect(answer.restoredClaim).toEqual({
      cluster: 'rig',
      namespace: NS,
      name: 'traffic-v1',
      location: `pvc://rig/${NS}/traffic-v1`,
      phase: 'Bound',
    });
    const restored = cluster.claims.get('traffic-v1')!;
    expect(restored.spec).toMatchObject({
      storageClassName: 'fast',
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '2Gi' } },
      dataSource: {
        apiGroup: 'snapshot.storage.k8s.io',
        kind: 'VolumeSnapshot',
        name: snap.id,
      },
    });
    expect(restored.metadata?.labels).toMatchObject({
      'kaml-d.io/restored-from': snap.id,
    });
    expect(restored.metadata?.labels).not.toHaveProperty('kaml-d.io/dataset');
    expect(answer.safetySnapshot).toBeUndefined();
    await expect(
      volumes.restore(
        dataset,
        snap.id,
        { claimName: 'traffic-v1' },
        'user:default/bob',
      ),
    ).rejects.toThrow(/already exists; choose another claimName/);
    await expect(
      volumes.restore(
        dataset,
        snap.id,
        { claimName: 'Bad_Name' },
        'user:default/bob',
      ),
    ).rejects.toThrow(/not a PersistentVolumeClaim name/);
    const byDefault = await volumes.restore(
      dataset,
      snap.id,
      {},
      'user:default/bob',
    );
    expect(byDefault.restoredClaim?.name).toBe(
      `traffic-restore-${snap.id.slice(-6)}`,
    );
    const events = (
      await audit.list({
        entityRef: dataset.entityRef,
        action: 'dataset.snapshot.restore',
      })
    ).items;
    expect(events).toHaveLength(2);
  });

  it('says what to change when the location names another cluster', async () => {
    const { volumes } = service(fakeCluster({ readyAfter: 1 }));
    await expect(
      volumes.take(
        { ...dataset, location: { ...dataset.location, cluster: 'prod' } },
        'x',
        'user:default/alice',
      ),
    ).rejects.toThrow(
      /lives on cluster "prod", but KAML-D's cluster is "rig" \(kamlD.volumes.cluster\)/,
    );
  });
});
