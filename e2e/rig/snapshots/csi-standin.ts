// STAND-IN for the CSI driver's part of volume snapshots on the rig (no real CSI driver can run:
// kwok simulates the nodes, there is no block storage). It plays, for the rig driver
// `rig.csi.kaml-d.local` only, what a real cluster's CSI driver with its external-snapshotter and
// external-provisioner sidecars does:
//
//  - provisioner: a Pending PVC of StorageClass `kaml-d-rig-csi` gets a PersistentVolume (CSI
//    source of the rig driver, claimRef to the PVC); kube-controller-manager's real PV controller
//    then binds the two. A PVC whose dataSource is a VolumeSnapshot is provisioned only once that
//    snapshot is readyToUse, with the snapshot's restoreSize at least. A Released PV of the driver
//    with reclaim policy Delete is deleted.
//  - snapshotter: a VolumeSnapshotContent of the rig driver without status gets status
//    readyToUse=true, a snapshotHandle, creationTime and restoreSize (the source PV's capacity).
//    A content being deleted with deletionPolicy Delete loses the snapshotter's finalizer (there is
//    no stored snapshot to remove), so the snapshot-controller can finish deleting it and its
//    VolumeSnapshot.
//
// Everything else is the real thing: the VolumeSnapshot CRDs and the snapshot-controller (which
// creates and binds the VolumeSnapshotContents) are upstream's, built from the Go module proxy.
//
//   node e2e/rig/snapshots/csi-standin.ts --kubeconfig <admin.kubeconfig> --ready <file>
//
// It polls (one list per second of PVCs, PVs and VolumeSnapshotContents) and writes --ready after
// its first complete pass, which the rig's health check reads.
import { writeFileSync } from 'node:fs';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type V1PersistentVolume,
  type V1PersistentVolumeClaim,
} from '@kubernetes/client-node';

export const DRIVER = 'rig.csi.kaml-d.local';
export const STORAGE_CLASS = 'kaml-d-rig-csi';
const GROUP = 'snapshot.storage.k8s.io';
const VERSION = 'v1';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const kc = new KubeConfig();
const file = arg('kubeconfig') ?? process.env.KUBECONFIG;
if (!file) throw new Error('csi-standin: --kubeconfig <file> is required');
kc.loadFromFile(file);
const core = kc.makeApiClient(CoreV1Api);
const custom = kc.makeApiClient(CustomObjectsApi);
const readyFile = arg('ready');

function log(message: string) {
  process.stdout.write(`${new Date().toISOString()} csi-standin: ${message}\n`);
}

interface SnapshotContent {
  metadata: { name: string; uid?: string; deletionTimestamp?: string; finalizers?: string[] };
  spec: {
    driver: string;
    deletionPolicy?: string;
    source?: { volumeHandle?: string; snapshotHandle?: string };
  };
  status?: { readyToUse?: boolean };
}

/** Bytes of a quantity such as `1Gi`, `500Mi` or `1000` (the forms the rig uses). */
export function bytesOf(quantity: string | undefined): number {
  const m = /^(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity ?? '');
  if (!m) return 0;
  const units: Record<string, number> = {
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12,
  };
  return Number(m[1]) * (m[2] ? units[m[2]] : 1);
}

async function snapshotReady(namespace: string, name: string) {
  try {
    const vs = (await custom.getNamespacedCustomObject({
      group: GROUP, version: VERSION, namespace, plural: 'volumesnapshots', name,
    })) as { status?: { readyToUse?: boolean; restoreSize?: string } };
    return vs.status?.readyToUse ? vs.status : undefined;
  } catch {
    return undefined;
  }
}

async function provision(pvc: V1PersistentVolumeClaim, volumes: Set<string>) {
  const ns = pvc.metadata!.namespace!;
  const name = pvc.metadata!.name!;
  const uid = pvc.metadata!.uid!;
  const pvName = `pvc-${uid}`;
  if (volumes.has(pvName)) return;
  let size = pvc.spec?.resources?.requests?.storage ?? '1Gi';
  const source = pvc.spec?.dataSourceRef ?? pvc.spec?.dataSource;
  let handle = `rig-vol-${uid}`;
  if (source?.kind === 'VolumeSnapshot' && source.apiGroup === GROUP) {
    const ready = await snapshotReady(ns, source.name);
    if (!ready) return; // as external-provisioner: wait for the snapshot to be ready
    if (bytesOf(ready.restoreSize) > bytesOf(size)) size = ready.restoreSize!;
    handle = `rig-vol-${uid}-from-${source.name}`;
  }
  const pv: V1PersistentVolume = {
    metadata: {
      name: pvName,
      annotations: { 'pv.kubernetes.io/provisioned-by': DRIVER },
    },
    spec: {
      capacity: { storage: size },
      accessModes: pvc.spec?.accessModes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: STORAGE_CLASS,
      volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name, uid },
      csi: { driver: DRIVER, volumeHandle: handle },
    },
  };
  await core.createPersistentVolume({ body: pv });
  log(`provisioned ${pvName} for ${ns}/${name}${source ? ` from ${source.kind} ${source.name}` : ''}`);
}

async function cutSnapshot(content: SnapshotContent, pvs: V1PersistentVolume[]) {
  const volumeHandle = content.spec.source?.volumeHandle;
  const pv = pvs.find(p => p.spec?.csi?.volumeHandle === volumeHandle);
  const body = {
    ...content,
    status: {
      readyToUse: true,
      snapshotHandle:
        content.spec.source?.snapshotHandle ?? `rig-snap-${content.metadata.uid}`,
      creationTime: Date.now() * 1e6,
      restoreSize: bytesOf(pv?.spec?.capacity?.storage) || 2 ** 30,
    },
  };
  await custom.replaceClusterCustomObjectStatus({
    group: GROUP, version: VERSION, plural: 'volumesnapshotcontents',
    name: content.metadata.name, body,
  });
  log(`snapshot content ${content.metadata.name} ready (volume ${volumeHandle})`);
}

const CONTENT_FINALIZER = 'snapshot.storage.kubernetes.io/volumesnapshotcontent-bound-protection';

/** As external-snapshotter on delete: the stored snapshot is gone, so its finalizer goes. */
async function release(content: SnapshotContent) {
  const finalizers = content.metadata.finalizers ?? [];
  if (content.spec.deletionPolicy !== 'Delete' || !finalizers.includes(CONTENT_FINALIZER)) return;
  // a replace with the list read: a concurrent change fails it with a conflict, retried next pass
  await custom.replaceClusterCustomObject({
    group: GROUP, version: VERSION, plural: 'volumesnapshotcontents', name: content.metadata.name,
    body: {
      ...content,
      metadata: { ...content.metadata, finalizers: finalizers.filter(f => f !== CONTENT_FINALIZER) },
    },
  });
  log(`snapshot content ${content.metadata.name} deleted`);
}

async function pass() {
  const [claims, volumes, contents] = await Promise.all([
    core.listPersistentVolumeClaimForAllNamespaces(),
    core.listPersistentVolume(),
    custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: 'volumesnapshotcontents' }) as Promise<{ items: SnapshotContent[] }>,
  ]);
  const pvNames = new Set(volumes.items.map(v => v.metadata!.name!));
  for (const pvc of claims.items) {
    if (pvc.spec?.storageClassName !== STORAGE_CLASS) continue;
    if (pvc.status?.phase !== 'Pending' || pvc.spec?.volumeName) continue;
    if (pvc.metadata?.deletionTimestamp) continue;
    await provision(pvc, pvNames).catch(e => log(`provisioning ${pvc.metadata?.namespace}/${pvc.metadata?.name} failed: ${e}`));
  }
  for (const pv of volumes.items) {
    // as external-provisioner: a Released volume of the driver with reclaim policy Delete goes
    if (pv.spec?.csi?.driver !== DRIVER || pv.status?.phase !== 'Released') continue;
    if (pv.spec?.persistentVolumeReclaimPolicy !== 'Delete' || pv.metadata?.deletionTimestamp) continue;
    await core.deletePersistentVolume({ name: pv.metadata!.name! }).then(
      () => log(`deleted released volume ${pv.metadata!.name}`),
      e => log(`deleting ${pv.metadata?.name} failed: ${e}`),
    );
  }
  for (const content of contents.items) {
    if (content.spec.driver !== DRIVER) continue;
    if (content.metadata.deletionTimestamp) {
      await release(content).catch(e => log(`releasing snapshot content ${content.metadata.name} failed: ${e}`));
      continue;
    }
    if (content.status?.readyToUse) continue;
    await cutSnapshot(content, volumes.items).catch(e => log(`snapshot content ${content.metadata.name} failed: ${e}`));
  }
}

let first = true;
let stopping = false;
process.on('SIGTERM', () => { stopping = true; });
process.on('SIGINT', () => { stopping = true; });
log(`serving driver ${DRIVER} (StorageClass ${STORAGE_CLASS})`);
while (!stopping) {
  try {
    await pass();
    if (first && readyFile) writeFileSync(readyFile, `${process.pid}\n`);
    first = false;
  } catch (e) {
    log(`pass failed (retrying): ${e}`);
  }
  await new Promise(r => setTimeout(r, 1000));
}
log('stopped');
