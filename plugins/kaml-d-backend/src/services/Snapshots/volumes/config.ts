import { Config } from '@backstage/config';
import { isDnsLabel, isKubernetesName } from '@kaml-d/plugin-kaml-d-common';

/** Settings of datasets on PersistentVolumeClaims (`kamlD.volumes`). */
export interface VolumesConfig {
  /** The name of the `kamlD.kubernetes` cluster in `pvc://<cluster>/…` locations. */
  cluster: string;
  /** VolumeSnapshotClass of new snapshots; unset: the cluster's default class for the driver. */
  snapshotClass?: string;
  /** How long a snapshot may take to become readyToUse before it counts as failed. */
  readyTimeoutMs: number;
  /** How long a restore waits for the new claim to be Bound (it is returned Pending after). */
  bindTimeoutMs: number;
  /** What the orphan sweep does with VolumeSnapshots nothing accounts for: report or delete. */
  orphans: 'report' | 'delete';
  /** VolumeSnapshots younger than this are never orphans (a take creates one before its row). */
  orphanGraceMs: number;
}

export const DEFAULT_VOLUMES_CLUSTER = 'kaml-d';

/** A snapshot not readyToUse after this counts as failed (a CSI snapshot is usually seconds). */
export const VOLUME_READY_TIMEOUT_MS = 300_000;
/** A restore returns the new claim Pending when it is not Bound after this. */
export const VOLUME_BIND_TIMEOUT_MS = 120_000;
/** The orphan sweep leaves VolumeSnapshots younger than this alone (ready timeout + 10 min). */
export const VOLUME_ORPHAN_GRACE_MS = VOLUME_READY_TIMEOUT_MS + 600_000;

/** Reads `kamlD.volumes`; fails fast, naming the key, when a value is invalid. */
export function readVolumesConfig(root: Config): VolumesConfig {
  const cluster =
    root.getOptionalString('kamlD.volumes.cluster') ?? DEFAULT_VOLUMES_CLUSTER;
  if (!isDnsLabel(cluster)) {
    throw new Error(
      `kamlD.volumes.cluster must be lowercase letters, digits and dashes (it is the <cluster> of pvc://<cluster>/<namespace>/<claim>), got "${cluster}"`,
    );
  }
  const snapshotClass = root.getOptionalString('kamlD.volumes.snapshotClass');
  if (snapshotClass !== undefined && !isKubernetesName(snapshotClass)) {
    throw new Error(
      `kamlD.volumes.snapshotClass must be a VolumeSnapshotClass name, got "${snapshotClass}"`,
    );
  }
  const orphans = root.getOptionalString('kamlD.volumes.orphans') ?? 'report';
  if (orphans !== 'report' && orphans !== 'delete') {
    throw new Error(
      `kamlD.volumes.orphans must be report (log the orphaned VolumeSnapshots) or delete (delete them), got "${orphans}"`,
    );
  }
  return {
    cluster,
    orphans,
    snapshotClass,
    readyTimeoutMs: VOLUME_READY_TIMEOUT_MS,
    bindTimeoutMs: VOLUME_BIND_TIMEOUT_MS,
    orphanGraceMs: VOLUME_ORPHAN_GRACE_MS,
  };
}
