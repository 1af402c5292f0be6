import { KamlDClusterAccess } from '@kaml-d/plugin-kaml-d-node';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import type { TrainJobProgress } from '@kaml-d/plugin-kaml-d-common';
import { ObservationTelemetryLinks } from '@kaml-d/plugin-kaml-d-common';
import type { PastLogLine } from '../Telemetry/pastLogs';
import type { RunPastLogOptions } from './pastLogs';

/** The label the `kaml-d:training:launch` and `kaml-d:model:deploy` actions put on their objects. */
export const MODEL_LABEL = 'kaml-d.io/model';
/** The label holding the served model version on a Deployment. */
export const MODEL_VERSION_LABEL = 'kaml-d.io/model-version';
/** The label of a Deployment's track (stable or canary). */
export const TRACK_LABEL = 'kaml-d.io/track';

/** Where the runs and deployments of models live (`kamlD.kubernetes`, shared with the actions). */
/** The cluster of the training Jobs and model Deployments (`kamlD.kubernetes`). */
export type RunsClusterConfig = Pick<
  KamlDClusterAccess,
  'kubeConfig' | 'trainingNamespace' | 'modelsNamespace'
>;

/** One pod of a training run. */
export interface RunPod {
  name: string;
  phase: string;
  containers: string[];
  restarts: number;
  /** Whether a previous (restarted) container's log can be read. */
  hasPrevious: boolean;
}

/**
 * One training run of a model: a Job, a training-operator TFJob / PyTorchJob, or a Kubeflow
 * Trainer v2 TrainJob.
 */
export interface TrainingRun {
  /** What runs it; `Job` when absent (answers cached before kinds existed). */
  kind?: 'Job' | 'TFJob' | 'PyTorchJob' | 'TrainJob';
  /** A TrainJob's runtime, such as `ClusterTrainingRuntime torch-distributed`. */
  runtime?: string;
  /** A TrainJob's child Jobs and, where the Trainer reports it, the trainer's progress. */
  progress?: TrainJobProgress;
  name: string;
  namespace: string;
  status: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /** Why it has this status, from a custom resource's status.conditions. */
  message?: string;
  startTime?: string;
  completionTime?: string;
  /** Seconds from start to completion (or to now while running). */
  durationSeconds?: number;
  gpus: number;
  image?: string;
  pods: RunPod[];
  /** Logs and traces of the run's pods over its time window, in the configured tools. */
  telemetry?: ObservationTelemetryLinks;
}

/** One serving Deployment (or KServe InferenceService) of a model. */
export interface ModelDeploymentRow {
  /** What serves it; `Deployment` when absent. */
  kind?: 'Deployment' | 'InferenceService';
  /** An InferenceService's status from its conditions (Ready, NotReady, Failed, Unknown). */
  status?: string;
  /** Why it has this status. */
  message?: string;
  /** Share of requests sent to an InferenceService's canary. */
  canaryTrafficPercent?: number;
  name: string;
  namespace: string;
  version?: string;
  track?: string;
  desiredReplicas: number;
  readyReplicas: number;
  endpoint: string;
  /** Logs and traces of its pods over the last hour, in the configured tools. */
  telemetry?: ObservationTelemetryLinks;
}

/** What the Runs and Deployments tabs show for one model. */
export interface ModelRunsResponse {
  model: string;
  runs: TrainingRun[];
  deployments: ModelDeploymentRow[];
  /** Set when the cluster could not be read; runs and deployments are then empty. */
  error?: string;
  /**
   * Lists of custom resources (TFJobs, PyTorchJobs, InferenceServices) that failed while the
   * rest loaded: what is shown is partial.
   */
  errors?: Array<{ resource: string; message: string }>;
  /** The store past logs are searched in (`kamlD.observation.logs.loki` or `.elasticsearch`). */
  pastLogs?: 'loki' | 'elasticsearch';
}

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
  ): Promise<{ pod: string; container: string; text: string }>;
  /** Past log lines of a (finished or deleted) pod of the model's runs, from Loki or Elasticsearch. */
  pastLogs?(
    ref: CompoundEntityRef,
    options: RunPastLogOptions,
    credentials: BackstageCredentials,
  ): Promise<{
    pod: string;
    source: 'loki' | 'elasticsearch';
    window: { start: string; end: string };
    lines: PastLogLine[];
  }>;
}
