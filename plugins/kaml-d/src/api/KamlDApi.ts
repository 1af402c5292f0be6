import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  DatasetFormat,
  DatasetPreviewResponse,
  DatasetProfileResponse,
  DatasetProfileSummaryResponse,
  DatasetRescanResponse,
  DatasetRowCountResponse,
  DatasetSchemaResponse,
  DatasetUploadResponse,
  HealthResponse,
  ObservationResponse,
  SreOverviewResponse,
  QueryResponse,
  StorageSummaryResponse,
  DatasetSnapshot,
  DatasetSnapshotDiff,
  DatasetSnapshotListResponse,
  DatasetSnapshotManifest,
  ModelVersion,
  ModelVersionComparison,
  ModelRunsResponse,
  ModelVersionListResponse,
  RegisterModelVersionRequest,
  RestoreDatasetSnapshotResponse,
  RunPastLogsResponse,
  RunPodLogResponse,
  TrainingRuntimeList,
} from '@kaml-d/plugin-kaml-d-common';

/**
 * A catalog file entry that failed processing: a Dataset whose `spec.format` is unknown, a Model
 * without an owner, and so on. The catalog keeps it out of the catalog until it is fixed.
 *
 * @public
 */
export interface CatalogProblem {
  /** `kind:namespace/name` as written in the file. */
  entityRef: string;
  kind: string;
  /** Where the file was read from. */
  location?: string;
  /** What the catalog said, naming the offending field. */
  messages: string[];
}

/**
 * A dataset addressed by its catalog name.
 *
 * @public
 */
export interface DatasetName {
  namespace: string;
  name: string;
}

/**
 * What the Workbench's Upload dialog sends: the form fields, then the files.
 *
 * @public
 */
export interface DatasetUploadRequest {
  /** Lowercase letters, digits and single `-`, `_`, `.` between them, such as `sales-2024`. */
  name: string;
  /** Detected from the file names when not given. */
  format?: DatasetFormat;
  /** Entity reference of the owner; the uploader when not given. */
  owner?: string;
  description?: string;
  tags?: string[];
  /** Entity reference of the System (project) the dataset belongs to. */
  system?: string;
  files: File[];
}

/**
 * An entity addressed for the Observation Hub.
 *
 * @public
 */
export interface ObservedEntityName {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * Client of the KAML-D backend (`/api/kaml-d`).
 *
 * @public
 */
export interface KamlDApi {
  getHealth(): Promise<HealthResponse>;
  /** Entities the catalog could not process, with their errors (needs the catalog's unprocessed-entities module). */
  getCatalogProblems(): Promise<CatalogProblem[]>;
  /** Datasets, objects and bytes in storage, and the share of the configured capacity. */
  getStorageSummary(): Promise<StorageSummaryResponse>;
  /** Columns and types as the query engine reads them, of the dataset now or of one snapshot. */
  getDatasetSchema(
    dataset: DatasetName,
    snapshot?: string,
  ): Promise<DatasetSchemaResponse>;
  /** The first `limit` rows (the server caps the limit), of the dataset now or of one snapshot. */
  getDatasetPreview(
    dataset: DatasetName,
    limit?: number,
    snapshot?: string,
  ): Promise<DatasetPreviewResponse>;
  /**
   * Asks discovery to look at the store again now: the folder of one dataset (`entityRef`), or
   * every folder. Needs `kaml-d.dataset.rescan`.
   */
  rescanDatasets(entityRef?: string): Promise<DatasetRescanResponse>;
  /** The exact number of rows of a tabular dataset, counted by its engine. */
  getDatasetRowCount(dataset: DatasetName): Promise<DatasetRowCountResponse>;
  /** Null share, distinct count, min/max, top values and histogram of one column (now or at a snapshot). */
  getDatasetProfile(
    dataset: DatasetName,
    column: string,
    snapshot?: string,
  ): Promise<DatasetProfileResponse>;
  /** Type, nulls, distinct, range, mean, std and quartiles of one page of the columns (searched by name). */
  getDatasetProfileSummary(
    dataset: DatasetName,
    page: { offset: number; limit: number; search?: string },
    snapshot?: string,
  ): Promise<DatasetProfileSummaryResponse>;
  /** Runs one read-only statement naming datasets as quoted identifiers. */
  runQuery(sql: string, limit?: number): Promise<QueryResponse>;
  /** Stores files as a new dataset; the catalog registers it through discovery. */
  uploadDataset(request: DatasetUploadRequest): Promise<DatasetUploadResponse>;
  /** Health of one entity from Kubernetes and Prometheus over a range such as `1h`; failures of single sources come back in `errors`. */
  getObservation(
    entity: ObservedEntityName,
    range: string,
  ): Promise<ObservationResponse>;
  /** The platform for SREs: nodes and GPUs, failed training runs, unhealthy endpoints, firing alerts. */
  getSreOverview(): Promise<SreOverviewResponse>;
  /** Snapshots of a dataset, newest first. */
  listDatasetSnapshots(
    dataset: DatasetName,
    options?: {
      /** Each snapshot with the model versions trained on it, in the same answer. */
      includeModels?: boolean;
    },
  ): Promise<DatasetSnapshotListResponse>;
  /** Freezes the dataset's current objects as a new snapshot. */
  createDatasetSnapshot(
    dataset: DatasetName,
    message: string,
  ): Promise<DatasetSnapshot>;
  /** One snapshot with its manifest. */
  getDatasetSnapshot(
    dataset: DatasetName,
    id: string,
  ): Promise<DatasetSnapshotManifest>;
  /** Files, schema and row counts that differ between two snapshots (`to` may be `current`). */
  diffDatasetSnapshots(
    dataset: DatasetName,
    from: string,
    to: string,
  ): Promise<DatasetSnapshotDiff>;
  /**
   * Restores a snapshot; the server snapshots the current state first. A snapshot of a `pvc://`
   * dataset is restored as a new claim, named `claimName` when given.
   */
  restoreDatasetSnapshot(
    dataset: DatasetName,
    id: string,
    message?: string,
    claimName?: string,
  ): Promise<RestoreDatasetSnapshotResponse>;
  /** Versions of a model, newest first, with its aliases. */
  listModelVersions(
    model: DatasetName,
    options?: {
      /**
       * The model's serving Deployments with the version each serves (or why the cluster could
       * not be read), in the same answer.
       */
      includeDeployments?: boolean;
    },
  ): Promise<ModelVersionListResponse>;
  /** Registers a new version of a model. */
  registerModelVersion(
    model: DatasetName,
    request: RegisterModelVersionRequest,
  ): Promise<ModelVersion>;
  /** Metrics of several versions side by side. */
  compareModelVersions(
    model: DatasetName,
    versions: number[],
  ): Promise<ModelVersionComparison>;
  /** Points an alias (such as `champion`) at a version. */
  promoteModelAlias(
    model: DatasetName,
    alias: string,
    version: number,
  ): Promise<void>;
  /**
   * The model's training runs and serving deployments; lists that failed while the rest loaded
   * come back in `errors`, an unreadable cluster in `error`.
   */
  getModelRuns(model: DatasetName): Promise<ModelRunsResponse>;
  /** The log tail of one pod of the model's runs; `previous` reads the restarted container. */
  getRunPodLog(
    model: DatasetName,
    pod: string,
    options?: { tailLines?: number; previous?: boolean },
  ): Promise<RunPodLogResponse>;
  /** Lines of a (finished or deleted) pod of the model's runs from the log store; `text` filters. */
  searchRunPastLogs(
    model: DatasetName,
    pod: string,
    options?: { container?: string; text?: string; limit?: number },
  ): Promise<RunPastLogsResponse>;
  /** The Kubeflow Trainer v2 runtimes a TrainJob of the model may run on (needs kaml-d.model.train). */
  listTrainingRuntimes(model: DatasetName): Promise<TrainingRuntimeList>;
}

/** @public */
export const kamlDApiRef = createApiRef<KamlDApi>({ id: 'plugin.kaml-d.api' });
