import { DatasetColumnType } from './api';

/**
 * How a snapshot holds its objects.
 *
 * - `version-ids`: the bucket keeps versions; the manifest records each object's version id and
 *   nothing is copied.
 * - `copy`: objects were copied server-side into a snapshot prefix (bucket without versioning).
 * - `content-addressed`: each file was copied (cloned copy-on-write where the file system can)
 *   into a read-only blob named by the sha256 of its bytes; unchanged files share the blob of an
 *   earlier snapshot. Nothing is shared with the live files (the file store).
 * - `volume-snapshot`: a CSI VolumeSnapshot of the dataset's PersistentVolumeClaim (`pvc://`);
 *   restores are new claims made from it.
 * - `hardlink`: snapshots taken before `content-addressed` existed: files hard-linked into a
 *   snapshot folder. Still readable and restorable (by copy); no new snapshot uses it.
 *
 * @public
 */
export type DatasetSnapshotMethod =
  | 'version-ids'
  | 'copy'
  | 'content-addressed'
  | 'hardlink'
  | 'volume-snapshot';

/**
 * One object of a snapshot's manifest.
 *
 * @public
 */
export interface DatasetSnapshotObject {
  /** Key relative to the dataset's prefix, such as `2024/q1.csv`. */
  path: string;
  size: number;
  /** ETag (S3) or content marker (file store) at snapshot time. */
  etag?: string;
  /** Object version id on a versioned bucket (`version-ids` snapshots). */
  versionId?: string;
  /**
   * Where the frozen copy lives (`copy`, `content-addressed` and `hardlink` snapshots):
   * bucket-relative key.
   */
  storedKey?: string;
  /** Hex sha256 of the frozen bytes (`content-addressed` snapshots). */
  sha256?: string;
  /** ISO 8601 modification time of the object when frozen (`content-addressed` snapshots). */
  lastModified?: string;
}

/**
 * A dataset snapshot: an immutable manifest of the dataset's objects at one time.
 *
 * @public
 */
export interface DatasetSnapshot {
  /** Opaque id, such as `snap-20261126t070102z-3f9a1c`; sortable by creation time. */
  id: string;
  /** The Dataset entity, such as `dataset:default/finance-transactions`. */
  entityRef: string;
  /** ISO 8601 creation time. */
  createdAt: string;
  /** User entity ref (or service subject) that took it. */
  createdBy: string;
  message: string;
  method: DatasetSnapshotMethod;
  /** Storage adapter type, bucket and the dataset prefix that was frozen. */
  adapter: string;
  bucket: string;
  prefix: string;
  objectCount: number;
  totalBytes: number;
  /** `sha256:<hex>` over the sorted manifest (path, size, etag, version id). */
  digest: string;
  /** Set when the snapshot was taken automatically before a restore of another snapshot. */
  reason?: 'manual' | 'before-restore' | 'scaffolder';
  /** Set for a dataset on a PersistentVolumeClaim (`pvc://`): its VolumeSnapshot. */
  volume?: DatasetVolumeSnapshot;
  /**
   * Volume snapshots only: `pending` from the take until the VolumeSnapshot is readyToUse,
   * then `complete`; `failed` when it did not become ready in time (`volume.error` says why).
   * Snapshots of object datasets are always complete when listed.
   */
  state?: DatasetSnapshotState;
}

/**
 * Where a snapshot is in its life (see {@link DatasetSnapshot.state}).
 *
 * @public
 */
export type DatasetSnapshotState = 'pending' | 'complete' | 'failed';

/**
 * The VolumeSnapshot (snapshot.storage.k8s.io/v1) behind a snapshot of a `pvc://` dataset.
 *
 * @public
 */
export interface DatasetVolumeSnapshot {
  cluster: string;
  namespace: string;
  /** The source PersistentVolumeClaim. */
  claim: string;
  /** The VolumeSnapshot's name (the snapshot id). */
  volumeSnapshot: string;
  /** The VolumeSnapshotContent the snapshot-controller bound it to, once known. */
  content?: string;
  /** `status.readyToUse` as the cluster reports it now. */
  readyToUse: boolean;
  /** `status.restoreSize`, such as `1Gi`. */
  restoreSize?: string;
  /** The cluster's error for the snapshot, if any; or that the VolumeSnapshot is gone. */
  error?: string;
}

/**
 * A PersistentVolumeClaim restored from a volume snapshot.
 *
 * @public
 */
export interface RestoredVolumeClaim {
  cluster: string;
  namespace: string;
  name: string;
  /** `pvc://cluster/namespace/name`: a location for training on the restored data. */
  location: string;
  /** `status.phase` when the restore returned: `Bound` once provisioned. */
  phase: string;
}

/**
 * A snapshot with its manifest: `GET /datasets/:namespace/:name/snapshots/:id`.
 *
 * @public
 */
export interface DatasetSnapshotManifest extends DatasetSnapshot {
  objects: DatasetSnapshotObject[];
}

/**
 * A model version trained on a snapshot, as the snapshot list names it.
 *
 * @public
 */
export interface DatasetSnapshotModelVersion {
  /** Model entity ref, such as `model:default/fraud-detector`. */
  entityRef: string;
  version: number;
  /** Aliases that currently point at this version, such as `champion`. */
  aliases: string[];
}

/**
 * One snapshot of `GET /datasets/:namespace/:name/snapshots`.
 *
 * @public
 */
export interface DatasetSnapshotListItem extends DatasetSnapshot {
  /**
   * With `?include=models`: the model versions trained on this snapshot that the caller can
   * see in the catalog, by model and newest version first.
   */
  models?: DatasetSnapshotModelVersion[];
}

/**
 * Answer of `GET /datasets/:namespace/:name/snapshots` (newest first); `?include=models` adds
 * each snapshot's model versions, so one request answers the Versions tab's table.
 *
 * @public
 */
export interface DatasetSnapshotListResponse {
  entityRef: string;
  items: DatasetSnapshotListItem[];
}

/**
 * Body of `POST /datasets/:namespace/:name/snapshots`.
 *
 * @public
 */
export interface CreateDatasetSnapshotRequest {
  /** Why the snapshot is taken; shown in the timeline. */
  message: string;
}

/**
 * Answer of `GET /datasets/:namespace/:name/snapshots/diff?from=<id>&to=<id|current>`.
 *
 * @public
 */
export interface DatasetSnapshotDiff {
  entityRef: string;
  from: string;
  /** A snapshot id, or `current` for the dataset as it is now. */
  to: string;
  added: DatasetSnapshotObject[];
  removed: DatasetSnapshotObject[];
  changed: Array<{
    path: string;
    before: DatasetSnapshotObject;
    after: DatasetSnapshotObject;
  }>;
  unchangedCount: number;
  schema: {
    added: DatasetColumnType[];
    removed: DatasetColumnType[];
    /** Same column name, different type. */
    changed: Array<{ name: string; before: string; after: string }>;
  };
  /** Row counts read by the query engine; absent when the dataset cannot be read as a table. */
  rows?: { before: number; after: number };
  /**
   * Why schema and row counts are missing: the dataset is not a table (images, audio…) or one
   * side could not be read (no data files left, malformed files); only the files are compared.
   */
  tableUnreadable?: string;
}

/**
 * Body of `POST /datasets/:namespace/:name/snapshots/:id/restore`.
 *
 * @public
 */
export interface RestoreDatasetSnapshotRequest {
  message?: string;
  /**
   * For a `pvc://` dataset: the name of the new PersistentVolumeClaim (default: the source
   * claim's name with `-restore-` and the snapshot id's suffix).
   */
  claimName?: string;
}

/**
 * Answer of a restore: the snapshot of the state before the restore (so nothing is lost) and the
 * snapshot that was restored.
 *
 * @public
 */
export interface RestoreDatasetSnapshotResponse {
  entityRef: string;
  restored: DatasetSnapshot;
  /**
   * Snapshot of the current state, taken automatically before restoring an object dataset.
   * Absent for a `pvc://` dataset: its restore is a new claim and leaves the dataset unchanged.
   */
  safetySnapshot?: DatasetSnapshot;
  /** For a `pvc://` dataset: the new PersistentVolumeClaim made from the snapshot. */
  restoredClaim?: RestoredVolumeClaim;
}
