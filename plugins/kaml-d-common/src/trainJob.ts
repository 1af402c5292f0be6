/**
 * Kubeflow Trainer v2 (`trainer.kubeflow.org/v1alpha1`): TrainJobs and the (Cluster)
 * TrainingRuntimes they reference. Pure functions reading a TrainJob's status, shared by the
 * scaffolder actions (waiting) and the backend (the Runs tab).
 */
import {
  InterpretedStatus,
  ResourceCondition,
  TrainingStatus,
} from './conditions';

/** The API version of Kubeflow Trainer v2 TrainJobs and training runtimes. @public */
export const TRAINER_GROUP_VERSION = 'trainer.kubeflow.org/v1alpha1';
/** The API group of Kubeflow Trainer v2. @public */
export const TRAINER_GROUP = 'trainer.kubeflow.org';

/** Kubeflow Trainer v2 kinds KAML-D reads or creates, with their plural resource names. @public */
export const TRAINER_KINDS = {
  TrainJob: 'trainjobs',
  TrainingRuntime: 'trainingruntimes',
  ClusterTrainingRuntime: 'clustertrainingruntimes',
} as const;

/** The kinds a TrainJob's `spec.runtimeRef` may name. @public */
export type TrainingRuntimeKind = 'ClusterTrainingRuntime' | 'TrainingRuntime';

/**
 * The label the JobSet controller puts on every pod of a JobSet; a TrainJob's JobSet has the
 * TrainJob's name, so its pods carry `jobset.sigs.k8s.io/jobset-name=<TrainJob name>`
 * (the TrainJob's own labels reach the JobSet and its Jobs, not the pods).
 * @public
 */
export const JOBSET_NAME_LABEL = 'jobset.sigs.k8s.io/jobset-name';

/** One entry of a TrainJob's `status.jobsStatus`: the child Jobs of one replicated job. @public */
export interface TrainJobJobStatus {
  name: string;
  ready: number;
  succeeded: number;
  failed: number;
  active: number;
  suspended: number;
}

/**
 * How far a TrainJob is: its child Jobs (`status.jobsStatus`, Trainer v2.0) and, when the
 * Trainer reports it (`status.trainerStatus`, Trainer v2.2 and later with progress tracking
 * on), the trainer's own progress.
 * @public
 */
export interface TrainJobProgress {
  jobs: TrainJobJobStatus[];
  /** 0–100. */
  percent?: number;
  estimatedRemainingSeconds?: number;
  currentStep?: number;
  totalSteps?: number;
  currentEpoch?: number;
  totalEpochs?: number;
}

/** The status of a TrainJob as listed. @public */
export interface TrainJobStatusFields {
  conditions?: ResourceCondition[];
  jobsStatus?: Array<Partial<TrainJobJobStatus>>;
  trainerStatus?: Record<string, unknown>;
}

function count(value: unknown): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

function optionalNumber(value: unknown, max?: number): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) return undefined;
  return max === undefined ? n : Math.min(n, max);
}

/**
 * The progress of a TrainJob from its status, or undefined when it reports none (no child Job
 * yet and no trainer status).
 * @public
 */
export function trainJobProgress(
  status: TrainJobStatusFields | undefined,
): TrainJobProgress | undefined {
  const jobs = (status?.jobsStatus ?? [])
    .filter(j => typeof j?.name === 'string' && j.name)
    .map(j => ({
      name: String(j.name),
      ready: count(j.ready),
      succeeded: count(j.succeeded),
      failed: count(j.failed),
      active: count(j.active),
      suspended: count(j.suspended),
    }));
  const t = status?.trainerStatus ?? {};
  const progress: TrainJobProgress = {
    jobs,
    percent: optionalNumber(t.progressPercentage, 100),
    estimatedRemainingSeconds: optionalNumber(t.estimatedRemainingSeconds),
    currentStep: optionalNumber(t.currentStep),
    totalSteps: optionalNumber(t.totalSteps),
    currentEpoch: optionalNumber(t.currentEpoch),
    totalEpochs: optionalNumber(t.totalEpochs),
  };
  const defined = Object.fromEntries(
    Object.entries(progress).filter(([, v]) => v !== undefined),
  ) as unknown as TrainJobProgress;
  const reported = jobs.length > 0 || Object.keys(defined).length > 1;
  return reported ? defined : undefined;
}

/**
 * One line saying how far a TrainJob is: the trainer's percentage, step/epoch and remaining
 * time when reported, then its child Jobs by replicated job (`node: 2 active, 2 ready`).
 * @public
 */
export function describeTrainJobProgress(progress: TrainJobProgress): string {
  const parts: string[] = [];
  if (progress.percent !== undefined) parts.push(`${progress.percent}%`);
  if (progress.currentStep !== undefined) {
    parts.push(
      `step ${progress.currentStep}${
        progress.totalSteps !== undefined ? `/${progress.totalSteps}` : ''
      }`,
    );
  }
  if (progress.currentEpoch !== undefined) {
    parts.push(
      `epoch ${progress.currentEpoch}${
        progress.totalEpochs !== undefined ? `/${progress.totalEpochs}` : ''
      }`,
    );
  }
  if (progress.estimatedRemainingSeconds !== undefined) {
    parts.push(`${progress.estimatedRemainingSeconds}s left`);
  }
  for (const j of progress.jobs) {
    const states = (
      ['active', 'ready', 'succeeded', 'failed', 'suspended'] as const
    )
      .filter(k => j[k] > 0)
      .map(k => `${j[k]} ${k}`);
    parts.push(`${j.name}: ${states.join(', ') || 'no Job yet'}`);
  }
  return parts.join('; ');
}

function explain(c: ResourceCondition | undefined, fallback: string): string {
  return [c?.reason, c?.message].filter(Boolean).join(': ') || fallback;
}

/**
 * The status of a TrainJob. The Trainer v2 controller sets the conditions `Complete`, `Failed`
 * (both terminal) and `Suspended`; it sets no Running or Created condition, so a TrainJob that
 * is neither finished nor suspended is Running when one of its child Jobs is active or ready
 * (`status.jobsStatus`) and Pending otherwise.
 * @public
 */
export function interpretTrainJobStatus(
  status: TrainJobStatusFields | undefined,
): InterpretedStatus<TrainingStatus> {
  const list = status?.conditions ?? [];
  const trueOf = (type: string) =>
    list.find(c => c.type === type && c.status === 'True');
  const failed = trueOf('Failed');
  if (failed) {
    return {
      status: 'Failed',
      message: explain(failed, 'the TrainJob failed'),
    };
  }
  const complete = trueOf('Complete');
  if (complete) {
    return {
      status: 'Succeeded',
      message: explain(complete, 'the TrainJob completed'),
    };
  }
  const suspended = trueOf('Suspended');
  if (suspended) {
    return {
      status: 'Pending',
      message: `suspended: ${explain(suspended, 'the TrainJob is suspended')}`,
    };
  }
  const progress = trainJobProgress(status);
  if (progress?.jobs.some(j => j.active > 0 || j.ready > 0)) {
    return { status: 'Running', message: describeTrainJobProgress(progress) };
  }
  if (progress) {
    return { status: 'Pending', message: describeTrainJobProgress(progress) };
  }
  return {
    status: 'Pending',
    message:
      list.length > 0
        ? explain(list[list.length - 1], 'created')
        : 'no status reported yet: is the Kubeflow Trainer controller running?',
  };
}

/**
 * A training runtime a TrainJob may run on, as the cluster lists it.
 *
 * @public
 */
export interface TrainingRuntimeSummary {
  name: string;
  kind: TrainingRuntimeKind;
  /** Set for a TrainingRuntime: its namespace (the model's training namespace). */
  namespace?: string;
  /** The runtime's `trainer.kubeflow.org/framework` label, such as `torch`, if set. */
  framework?: string;
}

/**
 * `GET /runs/:namespace/:name/training-runtimes`: the ClusterTrainingRuntimes of the cluster and
 * the TrainingRuntimes of the model's training namespace.
 *
 * @public
 */
export interface TrainingRuntimeList {
  /** The model's training namespace (its project's, or the shared one). */
  namespace: string;
  items: TrainingRuntimeSummary[];
}
