import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ObjectDatasetSource } from '@kaml-d/plugin-kaml-d-node';
import type { VolumeOrphan } from './volumes/remove';
import {
  DatasetEntity,
  DatasetSnapshot,
  DatasetSnapshotDiff,
  DatasetSnapshotManifest,
  RestoreDatasetSnapshotResponse,
} from '@kaml-d/plugin-kaml-d-common';

/** Folder of every bucket that holds copied or linked snapshot objects. */
export const SNAPSHOT_ROOT = '.kaml-d-snapshots/';

/**
 * Dataset snapshots ("go back in time"): frozen manifests of a dataset's objects, their diff and
 * restore. See the README's "Dataset snapshots" section for the methods and crash safety.
 */
export interface SnapshotsService {
  create(
    ref: CompoundEntityRef,
    request: { message: string },
    credentials: BackstageCredentials,
  ): Promise<DatasetSnapshot>;
  /** Complete snapshots, newest first. */
  list(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<DatasetSnapshot[]>;
  get(
    ref: CompoundEntityRef,
    id: string,
    credentials: BackstageCredentials,
  ): Promise<DatasetSnapshotManifest>;
  /** `to` is a snapshot id or `current`. */
  diff(
    ref: CompoundEntityRef,
    from: string,
    to: string,
    credentials: BackstageCredentials,
  ): Promise<DatasetSnapshotDiff>;
  /**
   * Where the query engines read snapshot `id` of a dataset, named `name` in SQL. The caller has
   * checked the permission to read the dataset; a bad or unknown id is a 400 or 404.
   */
  source(
    entity: DatasetEntity,
    id: string,
    name: string,
  ): Promise<ObjectDatasetSource>;
  restore(
    ref: CompoundEntityRef,
    id: string,
    request: { message?: string; claimName?: string },
    credentials: BackstageCredentials,
  ): Promise<RestoreDatasetSnapshotResponse>;
  /**
   * Deletes a snapshot of a `pvc://` dataset with its VolumeSnapshot (needs
   * `kaml-d.dataset.snapshot.restore`); 409 naming the model versions pinned to it. Snapshots
   * of object datasets are not deleted (400).
   */
  delete(
    ref: CompoundEntityRef,
    id: string,
    credentials: BackstageCredentials,
  ): Promise<void>;
  /**
   * The orphan sweep (`kamlD.volumes.orphans`): VolumeSnapshots labelled as KAML-D's that no
   * recorded snapshot accounts for, or whose dataset left the catalog, reported or deleted.
   * `credentials`: the backend's own, to look datasets up in the catalog.
   */
  sweepVolumeOrphans(
    credentials: BackstageCredentials,
  ): Promise<VolumeOrphan[]>;
  /**
   * Crash recovery: deletes pending snapshots older than `olderThanMs` with their copied objects,
   * rolls forward restores a killed process left running, and settles volume snapshot takes a
   * stopped process left pending.
   */
  recover(
    olderThanMs: number,
  ): Promise<{ swept: number; rolledForward: number }>;
}
