import { V1Pod } from '@kubernetes/client-node';
import {
  JOBSET_NAME_LABEL,
  TrainJobStatusFields,
  interpretTrainJobStatus,
  isDnsLabel,
  trainJobProgress,
} from '@kaml-d/plugin-kaml-d-common';
import { CustomResource } from './kubeReader';
import { toRun } from './jobRows';
import { TrainingRun } from './types';

/**
 * The selector of the pods of the listed TrainJobs: the JobSet controller labels each pod with
 * its JobSet's name, which is the TrainJob's. Names that are not DNS labels (none the API
 * server accepts) are left out, so nothing can alter the selector; undefined when none is left.
 */
export function trainJobPodSelector(
  trainJobs: CustomResource[],
): string | undefined {
  const names = trainJobs
    .map(t => t.metadata?.name ?? '')
    .filter(isDnsLabel)
    .sort();
  return names.length
    ? `${JOBSET_NAME_LABEL} in (${names.join(',')})`
    : undefined;
}

/** The TrainJob a pod belongs to: the JobSet name label the JobSet controller puts on it. */
export function trainJobOfPod(pod: V1Pod): string | undefined {
  return pod.metadata?.labels?.[JOBSET_NAME_LABEL];
}

/** nvidia.com/gpu of a resource requirements map (limits, else requests). */
function gpusOf(resources: any): number {
  const n = Number(
    resources?.limits?.['nvidia.com/gpu'] ??
      resources?.requests?.['nvidia.com/gpu'] ??
      0,
  );
  return Number.isFinite(n) ? n : 0;
}

/**
 * A Kubeflow Trainer v2 TrainJob and its pods as one row of the Runs tab: status from its
 * Complete/Failed/Suspended conditions and child Jobs, its runtime, its progress; it started
 * when it was created and ended at its terminal condition (the Trainer reports no times).
 */
export function toTrainJobRun(
  resource: CustomResource,
  pods: V1Pod[],
  now: number,
): TrainingRun {
  const status = resource.status as TrainJobStatusFields | undefined;
  const interpreted = interpretTrainJobStatus(status);
  const terminal = status?.conditions?.find(
    c => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
  const end = terminal?.lastTransitionTime
    ? new Date(terminal.lastTransitionTime)
    : undefined;
  const created = resource.metadata?.creationTimestamp;
  const trainer = resource.spec?.trainer ?? {};
  const ref = resource.spec?.runtimeRef ?? {};
  // the Job fields of the row come from a Job-shaped view of the TrainJob
  const base = toRun(
    {
      metadata: resource.metadata,
      spec: {
        template: {
          spec: {
            containers: [{ name: 'node', image: trainer.image }],
          },
        },
      },
      status: {
        startTime: created ? new Date(created) : undefined,
        completionTime: end,
      },
    },
    pods,
    now,
  );
  const progress = trainJobProgress(status);
  const nodes = Number(trainer.numNodes ?? 1);
  return {
    ...base,
    kind: 'TrainJob',
    status: interpreted.status,
    message: interpreted.message,
    runtime: ref.name
      ? `${ref.kind ?? 'ClusterTrainingRuntime'} ${ref.name}`
      : undefined,
    ...(progress ? { progress } : {}),
    gpus:
      (Number.isFinite(nodes) && nodes > 0 ? nodes : 1) *
      gpusOf(trainer.resourcesPerNode),
  };
}
