import { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { DatasetEntity } from '@kaml-d/plugin-kaml-d-common';
import knexFactory, { Knex } from 'knex';
import { applyDatabaseMigrations } from '../../../database/migrations';
import { createAuditLogService } from '../../Audit';
import { VolumeApi, VolumeSnapshotObject } from './kube';
import { VolumeDataset, createVolumeSnapshots } from './volumeSnapshots';

const NS = 'kaml-d-training';

/** A cluster in memory: snapshots become ready after `readyAfter` reads; claims bind on create. */
function fakeCluster(options: { readyAfter?: number; down?: boolean } = {}) {
  const claims = new Map<string, V1PersistentVolumeClaim>();
  const snapshots = new Map<string, VolumeSnapshotObject>();
  const reads = new Map<string, number>();
  const deleted: string[] = [];
  const check = () => {
    if (options.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
  };
  const api: VolumeApi = {
    async getClaim(_ns, name) {
      check();
      return claims.get(name);
    },
    async createClaim(_ns, claim) {
      const bound = { ...claim, status: { phase: 'Bound' } };
      claims.set(claim.metadata!.name!, bound);
      return bound;
    },
    async createSnapshot(_ns, s) {
      check();
      snapshots.set(s.metadata.name, s);
      return s;
    },
    async getSnapshot(_ns, name) {
      check();
      const s = snapshots.get(name);
      if (!s) return undefined;
      const n = (reads.get(name) ?? 0) + 1;
      reads.set(name, n);
      if (options.readyAfter !== undefined && n >= options.readyAfter) {
        s.status = {
          readyToUse: true,
          restoreSize: '2Gi',
          boundVolumeSnapshotContentName: `snapcontent-${name}`,
        };
      }
      return s;
    },
    async listSnapshots(_ns, selector) {
      check();
      const [key, value] = selector.split('=');
      return [...snapshots.values()].filter(
        s => s.metadata.labels?.[key] === value,
      );
    },
    async deleteSnapshot(_ns, name) {
      deleted.push(name);
      snapshots.delete(name);
    },
  };
  claims.set('traffic', {
    metadata: {
      name: 'traffic',
      namespace: NS,
      labels: { 'kaml-d.io/dataset': 'traffic' },
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast',
      resources: { requests: { storage: '1Gi' } },
    },
    status: { phase: 'Bound' },
  });
  return { api, claims, snapshots, deleted, options };
}

const entity = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Dataset',
  metadata: { name: 'traffic', namespace: 'default' },
  spec: {
    type: 'table',
    owner: 'group:default/data',
    format: 'binary',
    location: `pvc://rig/${NS}/traffic`,
  },
} as unknown as DatasetEntity;
const dataset: VolumeDataset = {
  entity,
  entityRef: 'dataset:default/traffic',
  location: { cluster: 'rig', namespace: NS, name: 'traffic' },
};

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
        },
      }),
    };
  }

  it('takes a VolumeSnapshot labelled with the dataset and id, waits until ready, records and audits it', async () => {
    const cluster = fakeCluster({ readyAfter: 2 });
    const { volumes, audit } = service(cluster);
    const snap = await volumes.take(
      dataset,
      'before training',
      'user:default/alice',
    );
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
      method: 'volume-snapshot',
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

  it('a snapshot that never becomes ready is removed, audited as a failure and not listed', async () => {
    const cluster = fakeCluster();
    const { volumes, audit } = service(cluster, 1200);
    await expect(
      volumes.take(dataset, 'x', 'user:default/alice'),
    ).rejects.toThrow(/was not readyToUse within 1s/);
    expect(cluster.deleted).toHaveLength(1);
    expect(cluster.snapshots.size).toBe(0);
    expect(await volumes.list(dataset)).toEqual([]);
    const events = (await audit.list({ entityRef: dataset.entityRef })).items;
    expect(events.map(e => e.outcome)).toEqual(['failure']);
  });

  it('lists recorded snapshots with the reason when the cluster is down or the VolumeSnapshot is gone', async () => {
    const cluster = fakeCluster({ readyAfter: 1 });
    const { volumes } = service(cluster);
    const snap = await volumes.take(dataset, 'x', 'user:default/alice');
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
    const snap = await volumes.take(dataset, 'x', 'user:default/alice');
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
