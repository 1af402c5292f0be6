import { InputError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  KUBEFLOW_GROUP_VERSION,
  TRAINER_GROUP,
  TRAINER_GROUP_VERSION,
  TRAINER_KINDS,
  TRAINING_OPERATOR_KINDS,
} from '@kaml-d/plugin-kaml-d-common';
import { KubeClient } from '../kubernetes/types';
import { TrainingRunKind } from './trainingRun';

/** The resource (API group and plural) a run of a kind is, for access reviews. */
export function runResource(kind: TrainingRunKind): {
  group: string;
  resource: string;
} {
  if (kind === 'Job') return { group: 'batch', resource: 'jobs' };
  if (kind === 'TrainJob') {
    return { group: TRAINER_GROUP, resource: TRAINER_KINDS.TrainJob };
  }
  return { group: 'kubeflow.org', resource: TRAINING_OPERATOR_KINDS[kind] };
}

/**
 * The kind that will run the training: the one asked for when its CRD is served (discovery,
 * cached by the client), else a single-pod Job with `fallbackToJob`, else an InputError saying
 * what to install. A Job runs one pod only; a TrainJob takes neither pod annotations nor a Job's
 * retry and deadline settings (its runtime decides them).
 */
export async function resolveTrainingKind(options: {
  client: KubeClient;
  logger: LoggerService;
  input: {
    kind: TrainingRunKind;
    fallbackToJob: boolean;
    workers: number;
    podAnnotations: Record<string, string>;
    backoffLimit: number;
    activeDeadlineSeconds?: number;
  };
}): Promise<TrainingRunKind> {
  const { client, logger, input } = options;
  let kind = input.kind;
  if (kind !== 'Job') {
    const trainer = kind === 'TrainJob';
    const groupVersion = trainer
      ? TRAINER_GROUP_VERSION
      : KUBEFLOW_GROUP_VERSION;
    const { group, resource } = runResource(kind);
    if (!(await client.servesResource(groupVersion, resource))) {
      const what = trainer
        ? 'Kubeflow Trainer v2'
        : 'the Kubeflow training operator';
      if (!input.fallbackToJob) {
        throw new InputError(
          `kind ${kind} needs ${what}, but the cluster does not serve ${resource}.${group} (CRD not installed): install ${what}, use kind Job, or set fallbackToJob`,
        );
      }
      logger.warn(
        `${resource}.${group} is not served: running a single-pod Job instead (fallbackToJob)`,
      );
      kind = 'Job';
    }
  }
  if (kind === 'Job' && input.workers > 1) {
    throw new InputError(
      `workers ${input.workers}: a Job runs one pod; use kind TrainJob, TFJob or PyTorchJob for distributed training`,
    );
  }
  if (kind === 'TrainJob') {
    if (Object.keys(input.podAnnotations).length) {
      throw new InputError(
        'podAnnotations cannot be set on a TrainJob (Kubeflow Trainer v2 has no pod metadata override): set them in the training runtime, or leave podAnnotations out',
      );
    }
    if (input.backoffLimit > 0 || input.activeDeadlineSeconds) {
      logger.info(
        'backoffLimit and activeDeadlineSeconds do not apply to a TrainJob: its training runtime sets the failure policy (the wait step still times out)',
      );
    }
  }
  return kind;
}
