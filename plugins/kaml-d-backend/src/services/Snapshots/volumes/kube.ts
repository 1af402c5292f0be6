import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  V1PersistentVolumeClaim,
} from '@kubernetes/client-node';

export const SNAPSHOT_GROUP = 'snapshot.storage.k8s.io';
const VERSION = 'v1';
const PLURAL = 'volumesnapshots';

/** The fields of a VolumeSnapshot (snapshot.storage.k8s.io/v1) KAML-D reads and writes. */
export interface VolumeSnapshotObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
  };
  spec: {
    source: { persistentVolumeClaimName: string };
    volumeSnapshotClassName?: string;
  };
  status?: {
    boundVolumeSnapshotContentName?: string;
    readyToUse?: boolean;
    restoreSize?: string;
    creationTime?: string;
    error?: { message?: string; time?: string };
  };
}

/** What the volume snapshots need from a cluster (a fake in unit tests, the rig in rig tests). */
export interface VolumeApi {
  getClaim(
    namespace: string,
    name: string,
  ): Promise<V1PersistentVolumeClaim | undefined>;
  createClaim(
    namespace: string,
    claim: V1PersistentVolumeClaim,
  ): Promise<V1PersistentVolumeClaim>;
  createSnapshot(
    namespace: string,
    snapshot: VolumeSnapshotObject,
  ): Promise<VolumeSnapshotObject>;
  getSnapshot(
    namespace: string,
    name: string,
  ): Promise<VolumeSnapshotObject | undefined>;
  /** VolumeSnapshots matching a label selector the caller built from validated values. */
  listSnapshots(
    namespace: string,
    labelSelector: string,
  ): Promise<VolumeSnapshotObject[]>;
  /** VolumeSnapshots of every namespace matching a label selector (the orphan sweep). */
  listAllSnapshots(labelSelector: string): Promise<VolumeSnapshotObject[]>;
  deleteSnapshot(namespace: string, name: string): Promise<void>;
}

function notFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

/** The {@link VolumeApi} of one cluster through `@kubernetes/client-node`. */
export function createVolumeApi(kubeConfig: KubeConfig): VolumeApi {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const group = { group: SNAPSHOT_GROUP, version: VERSION, plural: PLURAL };
  return {
    async getClaim(namespace, name) {
      try {
        return await core.readNamespacedPersistentVolumeClaim({
          namespace,
          name,
        });
      } catch (error) {
        if (notFound(error)) return undefined;
        throw error;
      }
    },
    createClaim: (namespace, body) =>
      core.createNamespacedPersistentVolumeClaim({ namespace, body }),
    async createSnapshot(namespace, body) {
      return (await custom.createNamespacedCustomObject({
        ...group,
        namespace,
        body,
      })) as VolumeSnapshotObject;
    },
    async getSnapshot(namespace, name) {
      try {
        return (await custom.getNamespacedCustomObject({
          ...group,
          namespace,
          name,
        })) as VolumeSnapshotObject;
      } catch (error) {
        if (notFound(error)) return undefined;
        throw error;
      }
    },
    async listSnapshots(namespace, labelSelector) {
      const list = (await custom.listNamespacedCustomObject({
        ...group,
        namespace,
        labelSelector,
      })) as { items?: VolumeSnapshotObject[] };
      return list.items ?? [];
    },
    async listAllSnapshots(labelSelector) {
      const list = (await custom.listClusterCustomObject({
        ...group,
        labelSelector,
      })) as { items?: VolumeSnapshotObject[] };
      return list.items ?? [];
    },
    async deleteSnapshot(namespace, name) {
      try {
        await custom.deleteNamespacedCustomObject({
          ...group,
          namespace,
          name,
        });
      } catch (error) {
        if (!notFound(error)) throw error;
      }
    },
  };
}
