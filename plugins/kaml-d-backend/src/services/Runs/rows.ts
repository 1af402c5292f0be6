import { KubernetesObject, V1Deployment, V1Pod } from '@kubernetes/client-node';
import {
  TRAINING_OPERATOR_KINDS,
  TrainingOperatorKind,
  interpretServingConditions,
  interpretTrainingConditions,
  PartialFailure,
} from '@kaml-d/plugin-kaml-d-common';
import { CustomResource, ModelObjects } from './kubeReader';
import { dateOf, toRun } from './jobRows';
import { toTrainJobRun, trainJobOfPod } from './trainJobRows';
import {
  MODEL_VERSION_LABEL,
  ModelDeploymentRow,
  ModelRunsResponse,
  TRACK_LABEL,
  TrainingRun,
} from './types';

export function toDeployment(d: V1Deployment): ModelDeploymentRow {
  const labels = d.metadata?.labels ?? {};
  const namespace = d.metadata?.namespace ?? '';
  const service = labels['app.kubernetes.io/name'] ?? d.metadata?.name ?? '';
  return {
    kind: 'Deployment',
    name: d.metadata?.name ?? '',
    namespace,
    version: labels[MODEL_VERSION_LABEL],
    track: labels[TRACK_LABEL],
    desiredReplicas: d.spec?.replicas ?? 1,
    readyReplicas: d.status?.readyReplicas ?? 0,
    endpoint: `http://${service}.${namespace}.svc.cluster.local`,
  };
}

/** Which Job a pod belongs to: its controller owner reference, else the `job-name` label. */
export function jobOfPod(pod: V1Pod): string | undefined {
  const owner = pod.metadata?.ownerReferences?.find(
    o =>
      (o.kind === 'Job' || o.kind in TRAINING_OPERATOR_KINDS) && o.controller,
  );
  return (
    owner?.name ??
    pod.metadata?.labels?.['batch.kubernetes.io/job-name'] ??
    pod.metadata?.labels?.['training.kubeflow.org/job-name'] ??
    pod.metadata?.labels?.['job-name']
  );
}

/** nvidia.com/gpu of one pod template's containers (limits, else requests). */
function gpusOfTemplate(template: any): number {
  const containers: any[] = template?.spec?.containers ?? [];
  return containers.reduce((sum, c) => {
    const n = Number(
      c?.resources?.limits?.['nvidia.com/gpu'] ??
        c?.resources?.requests?.['nvidia.com/gpu'] ??
        0,
    );
    return sum + (Number.isFinite(n) ? n : 0);
  }, 0);
}

/** A TFJob or PyTorchJob and its pods as one row of the Runs tab, status from its conditions. */
export function toOperatorRun(
  kind: TrainingOperatorKind,
  resource: CustomResource,
  pods: V1Pod[],
  now: number,
): TrainingRun {
  const { status, message: why } = interpretTrainingConditions(
    resource.status?.conditions,
  );
  const replicaSpecs: Record<string, any> =
    (kind === 'TFJob'
      ? resource.spec?.tfReplicaSpecs
      : resource.spec?.pytorchReplicaSpecs) ?? {};
  const replicas = Object.values(replicaSpecs);
  // the Job fields of the row come from a Job-shaped view of the resource
  const base = toRun(
    {
      metadata: resource.metadata,
      spec: { template: replicas[0]?.template ?? {} },
      status: {
        startTime: dateOf(resource.status?.startTime),
        completionTime: dateOf(resource.status?.completionTime),
        conditions:
          status === 'Failed'
            ? [
                {
                  type: 'Failed',
                  status: 'True',
                  lastTransitionTime: dateOf(
                    resource.status?.conditions?.find(c => c.type === 'Failed')
                      ?.lastTransitionTime,
                  ),
                },
              ]
            : [],
      },
    },
    pods,
    now,
  );
  return {
    ...base,
    kind,
    status,
    message: why,
    gpus: replicas.reduce(
      (sum, r) =>
        sum + (Number(r?.replicas ?? 1) || 0) * gpusOfTemplate(r?.template),
      0,
    ),
  };
}

/** An InferenceService as one row of the Deployments tab, status from its conditions. */
export function toInferenceService(
  resource: CustomResource,
): ModelDeploymentRow {
  const labels = resource.metadata?.labels ?? {};
  const name = resource.metadata?.name ?? '';
  const namespace = resource.metadata?.namespace ?? '';
  const { status, message: why } = interpretServingConditions(
    resource.status?.conditions,
  );
  const predictor = resource.spec?.predictor ?? {};
  const desired = Number(predictor.minReplicas ?? 1) || 1;
  const canary = Number(predictor.canaryTrafficPercent);
  return {
    kind: 'InferenceService',
    name,
    namespace,
    version: labels[MODEL_VERSION_LABEL],
    status,
    message: why,
    ...(Number.isFinite(canary) ? { canaryTrafficPercent: canary } : {}),
    desiredReplicas: desired,
    readyReplicas: status === 'Ready' ? desired : 0,
    endpoint:
      resource.status?.url ??
      resource.status?.address?.url ??
      `http://${name}-predictor.${namespace}.svc.cluster.local`,
  };
}

/**
 * A model's listed objects as the Runs tab's answer: each run with its own pods, newest first
 * (runs not started yet last), deployments by name, and `errors` only when a list failed.
 */
export function toRunsResponse(
  model: string,
  objects: ModelObjects,
  now: number,
  errors: PartialFailure[],
): ModelRunsResponse {
  const podsByJob = new Map<string, V1Pod[]>();
  for (const pod of objects.pods) {
    const job = jobOfPod(pod);
    if (!job) continue;
    podsByJob.set(job, [...(podsByJob.get(job) ?? []), pod]);
  }
  const podsOf = (o: KubernetesObject) =>
    podsByJob.get(o.metadata?.name ?? '') ?? [];
  const podsByTrainJob = new Map<string, V1Pod[]>();
  for (const pod of objects.trainJobPods ?? []) {
    const trainJob = trainJobOfPod(pod);
    if (!trainJob) continue;
    podsByTrainJob.set(trainJob, [
      ...(podsByTrainJob.get(trainJob) ?? []),
      pod,
    ]);
  }
  return {
    model,
    runs: [
      ...objects.jobs.map(j => toRun(j, podsOf(j), now)),
      ...objects.tfjobs.map(j => toOperatorRun('TFJob', j, podsOf(j), now)),
      ...objects.pytorchjobs.map(j =>
        toOperatorRun('PyTorchJob', j, podsOf(j), now),
      ),
      ...(objects.trainjobs ?? []).map(j =>
        toTrainJobRun(j, podsByTrainJob.get(j.metadata?.name ?? '') ?? [], now),
      ),
    ].sort((a, b) => (b.startTime ?? '~').localeCompare(a.startTime ?? '~')),
    deployments: [
      ...objects.deployments.map(toDeployment),
      ...objects.inferenceServices.map(toInferenceService),
    ].sort((a, b) => a.name.localeCompare(b.name)),
    ...(errors.length ? { errors } : {}),
  };
}
