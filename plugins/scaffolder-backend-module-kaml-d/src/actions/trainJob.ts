import { InputError } from '@backstage/errors';
import {
  TRAINER_GROUP,
  TRAINER_GROUP_VERSION,
  TRAINER_KINDS,
  TrainingRuntimeKind,
} from '@kaml-d/plugin-kaml-d-common';
import type {
  KubernetesObject,
  V1EnvVar,
  V1ObjectMeta,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { assertDnsSubdomain } from '../kubernetes/names';
import { ensureAccess } from '../kubernetes/target';
import { KubeClient } from '../kubernetes/types';
import { containerResources } from './workloadManifest';

/**
 * The longest TrainJob name KAML-D gives: the JobSet of a TrainJob has its name, and JobSet
 * refuses names whose pods (`<name>-dataset-initializer-0-0-xxxxx`) would pass 63 characters.
 */
export const TRAINJOB_NAME_MAX = 31;

/** The runtime a TrainJob references, as checked against the cluster. */
export interface TrainingRuntimeRef {
  name: string;
  kind: TrainingRuntimeKind;
}

/**
 * Checks that the runtime exists — a ClusterTrainingRuntime of the cluster, or a TrainingRuntime
 * in the TrainJob's namespace — and fails naming the ones that do when it does not.
 */
export async function checkTrainingRuntime(
  client: KubeClient,
  runtime: string | undefined,
  kind: TrainingRuntimeKind,
  namespace: string,
): Promise<TrainingRuntimeRef> {
  if (!runtime) {
    throw new InputError(
      'kind TrainJob needs a runtime: the name of a ClusterTrainingRuntime (such as torch-distributed) or, with runtimeKind TrainingRuntime, of a TrainingRuntime in the training namespace',
    );
  }
  const name = assertDnsSubdomain(runtime, 'runtime');
  const scope = kind === 'TrainingRuntime' ? namespace : undefined;
  await ensureAccess(client, [
    {
      verb: 'list',
      group: TRAINER_GROUP,
      resource: TRAINER_KINDS[kind],
      namespace: scope ?? '',
    },
  ]);
  const available = (await client.list(TRAINER_GROUP_VERSION, kind, scope))
    .map(r => r.metadata?.name ?? '')
    .filter(Boolean)
    .sort();
  if (!available.includes(name)) {
    const where =
      kind === 'TrainingRuntime' ? ` in namespace ${namespace}` : '';
    throw new InputError(
      `runtime ${name} is not a ${kind}${where}; ${
        available.length
          ? `available: ${available.join(', ')}`
          : `there is no ${kind}${where}: ask a cluster admin to install the Kubeflow Trainer runtimes`
      }`,
    );
  }
  return { name, kind };
}

/** The replicated job and container of a training runtime that run the trainer. */
export const TRAINER_NODE = 'node';

/**
 * A Kubeflow Trainer v2 TrainJob: the runtime reference, the trainer's image, command, env and
 * per-node resources, `numNodes` from workers; `pvc://` dataset volumes, when there are any,
 * through `spec.podSpecOverrides` into the runtime's `node` job and container (read-only, as in
 * a Job). The labels go on the TrainJob (the Runs tab finds it by them) and through
 * `spec.labels` onto its JobSet and Jobs; its pods are labelled by the JobSet controller
 * (`jobset.sigs.k8s.io/jobset-name`).
 */
export function buildTrainJob(options: {
  metadata: V1ObjectMeta;
  runtime: TrainingRuntimeRef;
  image: string;
  env: V1EnvVar[];
  mounts?: { volumes: V1Volume[]; volumeMounts: V1VolumeMount[] };
  input: {
    command?: string[];
    args: string[];
    workers: number;
    cpu: string;
    memory: string;
    gpus: number;
  };
}): KubernetesObject {
  const { metadata, runtime, image, env, mounts, input } = options;
  return {
    apiVersion: TRAINER_GROUP_VERSION,
    kind: 'TrainJob',
    metadata,
    spec: {
      runtimeRef: {
        name: runtime.name,
        kind: runtime.kind,
        apiGroup: TRAINER_GROUP,
      },
      trainer: {
        image,
        ...(input.command?.length ? { command: input.command } : {}),
        ...(input.args.length ? { args: input.args } : {}),
        ...(env.length ? { env } : {}),
        numNodes: input.workers,
        resourcesPerNode: containerResources(input),
      },
      labels: metadata.labels,
      ...(mounts?.volumes.length
        ? {
            podSpecOverrides: [
              {
                targetJobs: [{ name: TRAINER_NODE }],
                volumes: mounts.volumes,
                containers: [
                  { name: TRAINER_NODE, volumeMounts: mounts.volumeMounts },
                ],
              },
            ],
          }
        : {}),
    },
  } as KubernetesObject;
}
