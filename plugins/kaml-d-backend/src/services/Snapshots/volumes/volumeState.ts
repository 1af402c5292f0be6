import { InputError } from '@backstage/errors';
import {
  DatasetEntity,
  DatasetSnapshot,
  DatasetSnapshotManifest,
  DatasetVolumeSnapshot,
  PVC_DATASET_LABEL,
  PvcLocation,
  RestoreDatasetSnapshotResponse,
} from '@kaml-d/plugin-kaml-d-common';
import { VolumeSnapshotObject } from './kube';
import type { VolumeOrphan } from './remove';

// The types and pure helpers of volume snapshots (volumeSnapshots.ts holds the service).

export const VOLUME_SNAPSHOT_METHOD = 'volume-snapshot';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'kaml-d' };
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const POLL_MS = 500;

/** A dataset on a PersistentVolumeClaim, as the snapshots service hands it over. */
export interface VolumeDataset {
  entity: DatasetEntity;
  entityRef: string;
  location: PvcLocation;
}

/**
 * Snapshots of `pvc://` datasets as CSI VolumeSnapshots: take (a VolumeSnapshot of the claim;
 * answered at once in state `pending`, complete once readyToUse), list (the database rows with
 * the cluster's state), get, restore (always a NEW claim whose dataSource is the snapshot: a
 * snapshot is never written), delete, and the sweep of orphaned VolumeSnapshots.
 */
export interface VolumeSnapshots {
  take(
    dataset: VolumeDataset,
    message: string,
    actor: string,
  ): Promise<DatasetSnapshot>;
  /** Deletes a snapshot and its VolumeSnapshot; 409 naming the model versions pinned to it. */
  delete(dataset: VolumeDataset, id: string, actor: string): Promise<void>;
  /** Settles pending takes a stopped backend left (recovery); returns how many it settled. */
  settlePending(): Promise<number>;
  /** See kamlD.volumes.orphans; `datasetExists` asks the catalog. */
  sweepOrphans(options: {
    datasetExists: (entityRef: string) => Promise<boolean>;
    actor: string;
  }): Promise<VolumeOrphan[]>;
  list(dataset: VolumeDataset): Promise<DatasetSnapshot[]>;
  get(dataset: VolumeDataset, id: string): Promise<DatasetSnapshotManifest>;
  restore(
    dataset: VolumeDataset,
    id: string,
    request: { message?: string; claimName?: string },
    actor: string,
  ): Promise<RestoreDatasetSnapshotResponse>;
}

export function datasetLabel(entity: DatasetEntity): string {
  const name = entity.metadata.name;
  if (!LABEL_VALUE.test(name)) {
    throw new InputError(
      `Dataset name "${name}" cannot be a Kubernetes label value (${PVC_DATASET_LABEL}); rename the dataset.`,
    );
  }
  return name;
}

export function volumeOf(
  location: PvcLocation,
  id: string,
  snapshot: VolumeSnapshotObject | undefined,
): DatasetVolumeSnapshot {
  const base = {
    cluster: location.cluster,
    namespace: location.namespace,
    claim: location.name,
    volumeSnapshot: id,
  };
  if (!snapshot) {
    return {
      ...base,
      readyToUse: false,
      error: `The VolumeSnapshot ${location.namespace}/${id} is gone from cluster ${location.cluster}.`,
    };
  }
  const status = snapshot.status ?? {};
  return {
    ...base,
    readyToUse: status.readyToUse === true,
    ...(status.boundVolumeSnapshotContentName
      ? { content: status.boundVolumeSnapshotContentName }
      : {}),
    ...(status.restoreSize ? { restoreSize: String(status.restoreSize) } : {}),
    ...(status.error?.message ? { error: status.error.message } : {}),
  };
}

export async function waitFor<T>(
  deadlineMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T | undefined> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined || Date.now() >= end) return value;
    await new Promise(r => setTimeout(r, POLL_MS));
  }
}
