import { JsonObject } from '@backstage/types';

/* Wire types of model versions: registration, aliases, deployments and comparison. */

/**
 * A dataset snapshot a model version was trained on.
 *
 * @public
 */
export interface ModelVersionDatasetRef {
  /** Dataset entity ref, such as `dataset:default/finance-transactions`. */
  datasetRef: string;
  snapshotId: string;
}

/**
 * The training run behind a model version (a Kubernetes Job or training-operator job).
 *
 * @public
 */
export interface ModelVersionRun {
  cluster?: string;
  namespace: string;
  /** Job (or TFJob/PyTorchJob) name. */
  name: string;
  kind?: string;
  /** Scaffolder task id that launched it, when known. */
  taskId?: string;
}

/**
 * A registered model version.
 *
 * @public
 */
export interface ModelVersion {
  /** Model entity ref, such as `model:default/fraud-detector`. */
  entityRef: string;
  /** 1, 2, 3 … assigned by the server per model. */
  version: number;
  description?: string;
  /** Where the artifact lives, such as `s3://models/fraud-detector/3/model.onnx`. */
  artifactUri: string;
  /** `sha256:<hex>` of the artifact, when known. */
  artifactDigest?: string;
  metrics: Record<string, number>;
  parameters: JsonObject;
  trainedOn: ModelVersionDatasetRef[];
  run?: ModelVersionRun;
  createdAt: string;
  createdBy: string;
  /** Aliases that currently point at this version, such as `champion`. */
  aliases: string[];
}

/**
 * Body of `POST /models/:namespace/:name/versions`.
 *
 * @public
 */
export interface RegisterModelVersionRequest {
  description?: string;
  artifactUri: string;
  artifactDigest?: string;
  metrics?: Record<string, number>;
  parameters?: JsonObject;
  /** Each must name an existing snapshot of that dataset. */
  trainedOn?: ModelVersionDatasetRef[];
  run?: ModelVersionRun;
}

/**
 * A serving Deployment (or KServe InferenceService) of a model with the registered version it
 * serves, resolved by the backend from its `kaml-d.io/model-version` label.
 *
 * @public
 */
export interface ModelVersionDeployment {
  kind?: 'Deployment' | 'InferenceService';
  name: string;
  namespace: string;
  /** The `kaml-d.io/model-version` label as written (`3`, `v3`, `1.4.0`), when there is one. */
  label?: string;
  /** `stable` or `canary`. */
  track?: string;
  desiredReplicas: number;
  readyReplicas: number;
  /** The registered version the label names; absent when it names none. */
  served?: {
    version: number;
    aliases: string[];
    trainedOn: ModelVersionDatasetRef[];
  };
}

/**
 * Answer of `GET /models/:namespace/:name/versions` (newest first). With
 * `?include=deployments` it also lists the model's serving Deployments with the version each
 * serves, so one request answers the Versions tab.
 *
 * @public
 */
export interface ModelVersionListResponse {
  entityRef: string;
  items: ModelVersion[];
  /** Alias → version. */
  aliases: Record<string, number>;
  /** With `?include=deployments`. */
  deployments?: ModelVersionDeployment[];
  /** With `?include=deployments`: why the deployments could not be read (the cluster is down…). */
  deploymentsError?: string;
}

/**
 * Answer of `GET /models/:namespace/:name/versions/compare?versions=1,2,3`.
 *
 * @public
 */
export interface ModelVersionComparison {
  entityRef: string;
  versions: number[];
  /** Union of metric names over the compared versions, sorted. */
  metrics: string[];
  /** One row per version, in the order asked; a metric a version lacks is `null`. */
  rows: Array<{ version: number; values: Array<number | null> }>;
}

/**
 * Body of `PUT /models/:namespace/:name/aliases/:alias`. Alias names are DNS-label-like:
 * lowercase letters, digits and `-`, at most 63 characters.
 *
 * @public
 */
export interface PromoteModelAliasRequest {
  version: number;
}
