import { KUBEFLOW_GROUP_VERSION } from '@kaml-d/plugin-kaml-d-common';
import type {
  KubernetesObject,
  V1EnvVar,
  V1Job,
  V1PodTemplateSpec,
} from '@kubernetes/client-node';
import { containerResources, workloadLabels } from './workloadManifest';
import { buildTrainJob, TrainingRuntimeRef } from './trainJob';
import { pvcDatasetMounts } from './pvcMounts';

/** The container name the training operator expects in each replica of a kind. */
const OPERATOR_CONTAINER = { TFJob: 'tensorflow', PyTorchJob: 'pytorch' };

/** The inputs of `kaml-d:training:launch` the run is built from, defaults applied. */
export interface TrainingRunInput {
  model: string;
  datasets: string[];
  command?: string[];
  args: string[];
  gpus: number;
  cpu: string;
  memory: string;
  env: Record<string, string>;
  backoffLimit: number;
  activeDeadlineSeconds?: number;
  podAnnotations: Record<string, string>;
  workers: number;
}

/** What runs a training: a Job, a training-operator kind, or a Kubeflow Trainer v2 TrainJob. */
export type TrainingRunKind = 'Job' | 'TFJob' | 'PyTorchJob' | 'TrainJob';

/**
 * The training run object: a batch/v1 Job, a Kubeflow TFJob / PyTorchJob, or a Kubeflow Trainer
 * v2 TrainJob referencing `runtime`, with the model and
 * task labels, the dataset locations as environment variables and storage credentials through
 * secret references only. Pure: every input was validated and authorized before.
 */
export function buildTrainingRun(options: {
  kind: TrainingRunKind;
  /** The checked runtime of a TrainJob. */
  runtime?: TrainingRuntimeRef;
  jobName: string;
  namespace: string;
  modelName: string;
  taskLabel: string;
  launchedBy?: string;
  image: string;
  locations: string[];
  credentialsSecret?: string;
  credentialsKeys: Record<string, string>;
  input: TrainingRunInput;
}): KubernetesObject {
  const {
    kind,
    jobName,
    namespace,
    modelName,
    taskLabel,
    launchedBy,
    image,
    locations,
    credentialsSecret,
    credentialsKeys,
    input,
  } = options;
  const labels = workloadLabels({
    component: 'training',
    modelName,
    taskLabel,
  });
  const env: V1EnvVar[] = [
    ...Object.entries(input.env).map(([name, value]) => ({ name, value })),
    ...(locations.length
      ? [
          { name: 'KAML_DATASET_LOCATION', value: locations[0] },
          { name: 'KAML_DATASET_LOCATIONS', value: locations.join(',') },
        ]
      : []),
    ...(credentialsSecret
      ? Object.entries(credentialsKeys).map(([name, key]) => ({
          name,
          valueFrom: { secretKeyRef: { name: credentialsSecret, key } },
        }))
      : []),
  ];
  const metadata = {
    name: jobName,
    namespace,
    labels,
    annotations: {
      'kaml-d.io/model-ref': input.model,
      'kaml-d.io/datasets': input.datasets.join(','),
      ...(launchedBy ? { 'kaml-d.io/launched-by': launchedBy } : {}),
    },
  };
  // pvc:// datasets are mounted read-only (a Job, TFJob or PyTorchJob pod)
  const mounts = pvcDatasetMounts(locations, namespace);
  if (kind === 'TrainJob') {
    if (!options.runtime) throw new Error('a TrainJob needs its runtime');
    return buildTrainJob({
      metadata,
      runtime: options.runtime,
      mounts,
      image,
      env,
      input,
    });
  }
  const podTemplate = (containerName: string): V1PodTemplateSpec => ({
    metadata: { labels, annotations: input.podAnnotations },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      ...(mounts.volumes.length ? { volumes: mounts.volumes } : {}),
      containers: [
        {
          name: containerName,
          image,
          command: input.command,
          args: input.args,
          env,
          resources: containerResources(input),
          ...(mounts.volumeMounts.length
            ? { volumeMounts: mounts.volumeMounts }
            : {}),
        },
      ],
    },
  });
  if (kind === 'Job') {
    const job: V1Job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata,
      spec: {
        backoffLimit: input.backoffLimit,
        activeDeadlineSeconds: input.activeDeadlineSeconds,
        template: podTemplate('train'),
      },
    };
    return job;
  }
  const replica = (replicas: number) => ({
    replicas,
    restartPolicy: 'Never',
    template: podTemplate(OPERATOR_CONTAINER[kind]),
  });
  const runPolicy = {
    backoffLimit: input.backoffLimit,
    ...(input.activeDeadlineSeconds
      ? { activeDeadlineSeconds: input.activeDeadlineSeconds }
      : {}),
    cleanPodPolicy: 'None',
  };
  const replicaSpecs =
    kind === 'TFJob'
      ? { tfReplicaSpecs: { Worker: replica(input.workers) } }
      : {
          pytorchReplicaSpecs: {
            Master: replica(1),
            ...(input.workers > 1
              ? { Worker: replica(input.workers - 1) }
              : {}),
          },
        };
  return {
    apiVersion: KUBEFLOW_GROUP_VERSION,
    kind,
    metadata,
    spec: { runPolicy, ...replicaSpecs },
  } as KubernetesObject;
}
