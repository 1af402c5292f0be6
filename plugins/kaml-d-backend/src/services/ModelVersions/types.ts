import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  DatasetSnapshotModelVersion,
  ModelVersion,
  ModelVersionComparison,
  ModelVersionListResponse,
  RegisterModelVersionRequest,
} from '@kaml-d/plugin-kaml-d-common';

/** Model versions, their lineage (dataset snapshots, run) and aliases, in the plugin database. */
export interface ModelVersionsService {
  /**
   * Registers the next version of a model (max + 1). The caller needs `kaml-d.model.train` on
   * the model; every `trainedOn` entry must name a complete snapshot of that dataset.
   */
  register(
    model: CompoundEntityRef,
    request: RegisterModelVersionRequest,
    credentials: BackstageCredentials,
  ): Promise<ModelVersion>;
  /** All versions, newest first, with the aliases pointing at each. */
  list(
    model: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<ModelVersionListResponse>;
  get(
    model: CompoundEntityRef,
    version: number,
    credentials: BackstageCredentials,
  ): Promise<ModelVersion>;
  /** Metrics of several versions side by side. */
  compare(
    model: CompoundEntityRef,
    versions: number[],
    credentials: BackstageCredentials,
  ): Promise<ModelVersionComparison>;
  /** Points an alias (such as `champion`) at a version. Needs `kaml-d.model.version.promote`. */
  promote(
    model: CompoundEntityRef,
    alias: string,
    version: number,
    credentials: BackstageCredentials,
  ): Promise<ModelVersion>;
  /**
   * The model versions trained on each snapshot of a dataset (snapshot id → versions), in one
   * answer for the whole snapshot timeline; models the caller cannot see are left out.
   */
  trainedOnSnapshots(
    dataset: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<Map<string, DatasetSnapshotModelVersion[]>>;
  /** Model versions trained on one dataset snapshot (lineage snapshot → model version). */
  trainedOnSnapshot(
    dataset: CompoundEntityRef,
    snapshotId: string,
    credentials: BackstageCredentials,
  ): Promise<ModelVersion[]>;
}
