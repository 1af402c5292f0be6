/**
 * Reading `status.conditions` of the custom resources KAML-D creates: Kubeflow training-operator
 * jobs (TFJob, PyTorchJob of kubeflow.org/v1) and KServe InferenceServices
 * (serving.kserve.io/v1beta1). Pure functions, shared by the scaffolder actions (waiting) and the
 * backend (the Runs and Deployments tabs).
 */

/** One entry of `status.conditions`. @public */
export interface ResourceCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string | Date;
}

/** The API version of the Kubeflow training operator's jobs. @public */
export const KUBEFLOW_GROUP_VERSION = 'kubeflow.org/v1';
/** The API version of KServe InferenceServices. @public */
export const KSERVE_GROUP_VERSION = 'serving.kserve.io/v1beta1';

/** Training-operator job kinds KAML-D launches, with their plural resource names. @public */
export const TRAINING_OPERATOR_KINDS = {
  TFJob: 'tfjobs',
  PyTorchJob: 'pytorchjobs',
} as const;

/** A training-operator job kind. @public */
export type TrainingOperatorKind = keyof typeof TRAINING_OPERATOR_KINDS;

/** Status of a training run, whatever ran it. @public */
export type TrainingStatus = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** Status of a serving resource. @public */
export type ServingStatus = 'Ready' | 'NotReady' | 'Failed' | 'Unknown';

/** An interpreted status and the sentence explaining it. @public */
export interface InterpretedStatus<S extends string> {
  status: S;
  message: string;
}

function isTrue(c: ResourceCondition | undefined): boolean {
  return c?.status === 'True';
}

function explain(c: ResourceCondition | undefined, fallback: string): string {
  const text = [c?.reason, c?.message].filter(Boolean).join(': ');
  return text || fallback;
}

function time(c: ResourceCondition): number {
  const t = c.lastTransitionTime
    ? Date.parse(String(c.lastTransitionTime))
    : NaN;
  return Number.isFinite(t) ? t : 0;
}

/**
 * The status of a TFJob or PyTorchJob from its conditions (Created, Running, Restarting,
 * Suspended, Succeeded, Failed). A terminal condition that is True wins (Failed before
 * Succeeded); otherwise the most recent True condition decides.
 * @public
 */
export function interpretTrainingConditions(
  conditions: ResourceCondition[] | undefined,
): InterpretedStatus<TrainingStatus> {
  const list = conditions ?? [];
  const byType = (type: string) => list.find(c => c.type === type);
  const failed = byType('Failed');
  if (isTrue(failed)) {
    return { status: 'Failed', message: explain(failed, 'the job failed') };
  }
  const succeeded = byType('Succeeded');
  if (isTrue(succeeded)) {
    return {
      status: 'Succeeded',
      message: explain(succeeded, 'the job succeeded'),
    };
  }
  const latest = list.filter(isTrue).sort((a, b) => time(b) - time(a))[0];
  switch (latest?.type) {
    case 'Running':
      return { status: 'Running', message: explain(latest, 'running') };
    case 'Restarting':
      return {
        status: 'Running',
        message: `restarting: ${explain(latest, 'a replica is restarting')}`,
      };
    case 'Suspended':
      return {
        status: 'Pending',
        message: `suspended: ${explain(latest, 'the job is suspended')}`,
      };
    case 'Created':
      return {
        status: 'Pending',
        message: explain(latest, 'created, waiting for its pods'),
      };
    default:
      return {
        status: 'Pending',
        message: 'no condition reported yet: is the training operator running?',
      };
  }
}

/**
 * The status of an InferenceService from its conditions: Ready when the `Ready` condition is
 * True; Failed when a component reports a failure reason (such as a predictor that cannot pull
 * its image); NotReady while it is being rolled out; Unknown before the controller reported
 * anything. The message names the conditions that are not True.
 * @public
 */
export function interpretServingConditions(
  conditions: ResourceCondition[] | undefined,
): InterpretedStatus<ServingStatus> {
  const list = conditions ?? [];
  const ready = list.find(c => c.type === 'Ready');
  if (isTrue(ready)) return { status: 'Ready', message: 'Ready' };
  if (!ready) {
    return {
      status: 'Unknown',
      message: 'no Ready condition yet: is the KServe controller running?',
    };
  }
  const notTrue = list.filter(c => c.status !== 'True');
  const message = notTrue
    .map(c => `${c.type}: ${explain(c, c.status ?? 'Unknown')}`)
    .join('; ');
  const failing = notTrue.some(
    c =>
      c.status === 'False' &&
      /fail|error|backoff|invalid|notfound/i.test(
        `${c.reason ?? ''} ${c.message ?? ''}`,
      ),
  );
  return { status: failing ? 'Failed' : 'NotReady', message };
}
