/* Wire types of the Runs and Deployments tabs: `GET /api/kaml-d/runs/:namespace/:name` and its pod logs. */
import type { TrainingStatus } from './conditions';
import type { ObservationTelemetryLinks } from './observationApi';
import type { PartialFailure } from './partialFailures';
import type { TrainJobProgress } from './trainJob';

/**
 * One pod of a training run.
 *
 * @public
 */
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
 *
 * @public
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
  status: TrainingStatus;
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

/**
 * One serving Deployment (or KServe InferenceService) of a model.
 *
 * @public
 */
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

/**
 * Where past logs of finished or deleted pods are searched (`kamlD.observation.logs.loki` or
 * `.elasticsearch`).
 *
 * @public
 */
export type PastLogStore = 'loki' | 'elasticsearch';

/**
 * Answer of `GET /api/kaml-d/runs/:namespace/:name`: what the Runs and Deployments tabs show for
 * one model.
 *
 * @public
 */
export interface ModelRunsResponse {
  model: string;
  runs: TrainingRun[];
  deployments: ModelDeploymentRow[];
  /** Set when the cluster could not be read; runs and deployments are then empty. */
  error?: string;
  /**
   * Lists (API discovery, TFJobs, PyTorchJobs, InferenceServices, pods of TrainJobs) that failed
   * while the rest loaded: what is shown is partial.
   */
  errors?: PartialFailure[];
  /** The store past logs are searched in, when one is configured. */
  pastLogs?: PastLogStore;
}

/**
 * Answer of `GET /api/kaml-d/runs/:namespace/:name/pods/:pod/logs`: a pod's log tail.
 *
 * @public
 */
export interface RunPodLogResponse {
  pod: string;
  container: string;
  text: string;
}

/**
 * One line of a pod's past log.
 *
 * @public
 */
export interface RunPastLogLine {
  /** ISO time of the line. */
  time: string;
  pod: string;
  container?: string;
  line: string;
}

/**
 * Answer of `GET /api/kaml-d/runs/:namespace/:name/pods/:pod/past-logs`: the lines of a
 * (finished or deleted) pod in the log store over the run's window.
 *
 * @public
 */
export interface RunPastLogsResponse {
  pod: string;
  source: PastLogStore;
  window: { start: string; end: string };
  lines: RunPastLogLine[];
}
