import { KamlDClusterAccess } from '@kaml-d/plugin-kaml-d-node';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  ModelRunsResponse,
  RunPastLogsResponse,
  RunPodLogResponse,
} from '@kaml-d/plugin-kaml-d-common';
import type { RunPastLogOptions } from './pastLogs';

// the wire types of the Runs routes live in kaml-d-common, shared with the portal's client
export type {
  ModelDeploymentRow,
  ModelRunsResponse,
  RunPod,
  TrainingRun,
} from '@kaml-d/plugin-kaml-d-common';

/** The label the `kaml-d:training:launch` and `kaml-d:model:deploy` actions put on their objects. */
export const MODEL_LABEL = 'kaml-d.io/model';
/** The label holding the served model version on a Deployment. */
export const MODEL_VERSION_LABEL = 'kaml-d.io/model-version';
/** The label of a Deployment's track (stable or canary). */
export const TRACK_LABEL = 'kaml-d.io/track';

/** The cluster of the training Jobs and model Deployments (`kamlD.workloadCluster`). */
export type RunsClusterConfig = Pick<
  KamlDClusterAccess,
  'kubeConfig' | 'trainingNamespace' | 'modelsNamespace'
>;

/** Options of a pod log read. */
export interface RunLogOptions {
  pod: string;
  container?: string;
  previous: boolean;
  tailLines: number;
  sinceSeconds?: number;
}

/** Training runs and serving deployments of models, read from Kubernetes. */
export interface RunsService {
  /** The model's Jobs, their pods and the model's Deployments (three label-selected lists). */
  runs(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<ModelRunsResponse>;
  /** The log tail of one pod of one of the model's runs. */
  logs(
    ref: CompoundEntityRef,
    options: RunLogOptions,
    credentials: BackstageCredentials,
  ): Promise<RunPodLogResponse>;
  /** Past log lines of a (finished or deleted) pod of the model's runs, from Loki or Elasticsearch. */
  pastLogs?(
    ref: CompoundEntityRef,
    options: RunPastLogOptions,
    credentials: BackstageCredentials,
  ): Promise<RunPastLogsResponse>;
}
