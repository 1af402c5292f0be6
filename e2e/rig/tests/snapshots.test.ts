// CSI volume snapshots on the rig cluster: the upstream VolumeSnapshot CRDs and the upstream
// snapshot-controller (which creates and binds the VolumeSnapshotContent) with the rig's CSI
// driver stand-in (snapshots/csi-standin.ts: PV provisioning, readyToUse). A claim is Bound, a
// snapshot of it becomes readyToUse through a content the controller made, and a claim restored
// from the snapshot (dataSource VolumeSnapshot) is Bound to a new volume.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type V1PersistentVolumeClaim,
} from '@kubernetes/client-node';
import { eventually, requireEnv } from './env.ts';

const NS = 'kaml-d-training';
const GROUP = 'snapshot.storage.k8s.io';
const suffix = `${process.pid.toString(36)}-${Date.now().toString(36)}`;
const kc = new KubeConfig();
kc.loadFromFile(requireEnv('KAML_RIG_KUBECONFIG_ADMIN'));
const core = kc.makeApiClient(CoreV1Api);
const custom = kc.makeApiClient(CustomObjectsApi);
const storageClass = requireEnv('KAML_RIG_STORAGE_CLASS');
const snapshotClass = requireEnv('KAML_RIG_SNAPSHOT_CLASS');

const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

function claim(name: string, extra: Partial<V1PersistentVolumeClaim['spec']> = {}): V1PersistentVolumeClaim {
  return {
    metadata: { name, labels: { 'kaml-d.io/test': 'rig' } },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: storageClass, resources: { requests: { storage: '1Gi' } }, ...extra },
  };
}

async function bound(name: string) {
  return eventually(`claim ${name} Bound`, async () => {
    const c = await core.readNamespacedPersistentVolumeClaim({ namespace: NS, name });
    return c.status?.phase === 'Bound' ? c : undefined;
  }, 90_000, 500);
}

test('a snapshot made by the real snapshot-controller becomes ready and restores into a new bound claim', async () => {
  const source = `rig-snap-src-${suffix}`;
  await core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim(source) });
  cleanups.push(() => core.deleteNamespacedPersistentVolumeClaim({ namespace: NS, name: source }));
  const sourceClaim = await bound(source);
  const pv = await core.readPersistentVolume({ name: sourceClaim.spec!.volumeName! });
  assert.equal(pv.spec?.csi?.driver, requireEnv('KAML_RIG_CSI_DRIVER'));

  const snap = `rig-snap-${suffix}`;
  await custom.createNamespacedCustomObject({
    group: GROUP, version: 'v1', namespace: NS, plural: 'volumesnapshots',
    body: {
      apiVersion: `${GROUP}/v1`, kind: 'VolumeSnapshot',
      metadata: { name: snap },
      spec: { volumeSnapshotClassName: snapshotClass, source: { persistentVolumeClaimName: source } },
    },
  });
  cleanups.push(() => custom.deleteNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NS, plural: 'volumesnapshots', name: snap }));
  const ready = await eventually(`VolumeSnapshot ${snap} readyToUse`, async () => {
    const vs = (await custom.getNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NS, plural: 'volumesnapshots', name: snap })) as {
      status?: { readyToUse?: boolean; boundVolumeSnapshotContentName?: string; restoreSize?: string };
    };
    return vs.status?.readyToUse ? vs.status : undefined;
  }, 90_000, 500);
  assert.equal(ready.restoreSize, '1Gi');
  // the content was made by the snapshot-controller, bound back to our snapshot
  const content = (await custom.getClusterCustomObject({
    group: GROUP, version: 'v1', plural: 'volumesnapshotcontents', name: ready.boundVolumeSnapshotContentName!,
  })) as { spec: { volumeSnapshotRef: { name: string; namespace: string }; source: { volumeHandle?: string } }; status: { snapshotHandle?: string } };
  assert.deepEqual([content.spec.volumeSnapshotRef.namespace, content.spec.volumeSnapshotRef.name], [NS, snap]);
  assert.equal(content.spec.source.volumeHandle, pv.spec?.csi?.volumeHandle);
  assert.ok(content.status.snapshotHandle);

  const restored = `rig-snap-restored-${suffix}`;
  await core.createNamespacedPersistentVolumeClaim({
    namespace: NS,
    body: claim(restored, { dataSource: { apiGroup: GROUP, kind: 'VolumeSnapshot', name: snap } }),
  });
  cleanups.push(() => core.deleteNamespacedPersistentVolumeClaim({ namespace: NS, name: restored }));
  const restoredClaim = await bound(restored);
  assert.notEqual(restoredClaim.spec?.volumeName, sourceClaim.spec?.volumeName);
  const restoredPv = await core.readPersistentVolume({ name: restoredClaim.spec!.volumeName! });
  assert.match(restoredPv.spec?.csi?.volumeHandle ?? '', new RegExp(`-from-${snap}$`));
});

test('a claim from a snapshot that does not exist stays Pending', async () => {
  const name = `rig-snap-missing-${suffix}`;
  await core.createNamespacedPersistentVolumeClaim({
    namespace: NS,
    body: claim(name, { dataSource: { apiGroup: GROUP, kind: 'VolumeSnapshot', name: `absent-${suffix}` } }),
  });
  cleanups.push(() => core.deleteNamespacedPersistentVolumeClaim({ namespace: NS, name }));
  // a claim of the same class made after it is Bound: the stand-in has had its passes meanwhile
  const witness = `rig-snap-witness-${suffix}`;
  await core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim(witness) });
  cleanups.push(() => core.deleteNamespacedPersistentVolumeClaim({ namespace: NS, name: witness }));
  await bound(witness);
  const c = await core.readNamespacedPersistentVolumeClaim({ namespace: NS, name });
  assert.equal(c.status?.phase, 'Pending');
});
