import type { KubernetesObject } from '@kubernetes/client-node';
import { runAction } from '../__testUtils__/actionContext';
import { setup } from '../__testUtils__/setup';
import { createTrainingLaunchAction } from './trainingLaunch';

type TrainJob = KubernetesObject & { spec: Record<string, any> };

const input = {
  model: 'model:default/churn-classifier',
  datasets: ['dataset:default/customer-churn'],
  image: 'ghcr.io/example/trainer:1.0',
  command: ['torchrun', 'train.py'],
  args: ['--epochs', '3'],
  gpus: 1,
  cpu: '2',
  memory: '4Gi',
  credentialsSecret: 'dataset-reader',
  kind: 'TrainJob',
  runtime: 'torch-distributed',
  workers: 2,
};

/** A cluster serving Kubeflow Trainer v2 with the given ClusterTrainingRuntimes. */
function trainerCluster(runtimes: string[] = ['torch-distributed']) {
  const s = setup();
  s.cluster.groupVersions.add('trainer.kubeflow.org/v1alpha1');
  s.cluster.resources.add('trainer.kubeflow.org/v1alpha1/trainjobs');
  for (const name of runtimes) {
    s.cluster.put({
      apiVersion: 'trainer.kubeflow.org/v1alpha1',
      kind: 'ClusterTrainingRuntime',
      metadata: { name },
    });
  }
  return s;
}

describe('kaml-d:training:launch kind TrainJob', () => {
  it('creates a TrainJob on the chosen runtime with the trainer, nodes, resources and dataset env', async () => {
    const { cluster, kubernetes, catalog } = trainerCluster([
      'deepspeed-distributed',
      'torch-distributed',
    ]);
    const action = createTrainingLaunchAction({ kubernetes, catalog });
    const { outputs, lines } = await runAction(action, input, {
      taskId: 'task-t',
    });
    const [job] = cluster.all<TrainJob>('TrainJob');
    expect(cluster.all('Job')).toEqual([]);
    expect(outputs).toEqual({
      kind: 'TrainJob',
      jobName: job.metadata?.name,
      namespace: 'kaml-d-training',
      modelName: 'churn-classifier',
    });
    // the JobSet of a TrainJob has its name: short enough for its pods' names
    expect(job.metadata?.name).toMatch(/^train-churn-classifi-[0-9a-f]{10}$/);
    expect(job.metadata?.name?.length).toBeLessThanOrEqual(31);
    expect(job.apiVersion).toBe('trainer.kubeflow.org/v1alpha1');
    expect(job.metadata?.labels).toMatchObject({
      'kaml-d.io/model': 'churn-classifier',
      'app.kubernetes.io/component': 'training',
    });
    expect(job.spec.labels).toEqual(job.metadata?.labels);
    expect(job.spec.runtimeRef).toEqual({
      name: 'torch-distributed',
      kind: 'ClusterTrainingRuntime',
      apiGroup: 'trainer.kubeflow.org',
    });
    expect(job.spec.trainer).toMatchObject({
      image: 'ghcr.io/example/trainer:1.0',
      command: ['torchrun', 'train.py'],
      args: ['--epochs', '3'],
      numNodes: 2,
      resourcesPerNode: {
        requests: { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': '1' },
        limits: { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': '1' },
      },
    });
    expect(job.spec.trainer.env).toEqual(
      expect.arrayContaining([
        {
          name: 'KAML_DATASET_LOCATION',
          value: 's3://kaml-datasets/customer-churn/',
        },
        {
          name: 'AWS_ACCESS_KEY_ID',
          valueFrom: {
            secretKeyRef: { name: 'dataset-reader', key: 'accessKeyId' },
          },
        },
      ]),
    );
    expect(lines.join('\n')).toContain(
      '× 2 on ClusterTrainingRuntime torch-distributed',
    );
  });

  it('names the available runtimes when the chosen one does not exist, and creates nothing', async () => {
    const { cluster, kubernetes, catalog } = trainerCluster([
      'torch-distributed',
      'mpi-distributed',
    ]);
    const action = createTrainingLaunchAction({ kubernetes, catalog });
    await expect(
      runAction(action, { ...input, runtime: 'jax-distributed' }),
    ).rejects.toThrow(
      'runtime jax-distributed is not a ClusterTrainingRuntime; available: mpi-distributed, torch-distributed',
    );
    await expect(
      runAction(action, {
        ...input,
        runtimeKind: 'TrainingRuntime',
      }),
    ).rejects.toThrow(
      'there is no TrainingRuntime in namespace kaml-d-training: ask a cluster admin',
    );
    await expect(
      runAction(action, { ...input, runtime: 'Torch Distributed' }),
    ).rejects.toThrow('is not a valid Kubernetes object name');
    await expect(
      runAction(action, { ...input, runtime: undefined }),
    ).rejects.toThrow('kind TrainJob needs a runtime');
    await expect(
      runAction(action, { ...input, podAnnotations: { a: 'b' } }),
    ).rejects.toThrow('podAnnotations cannot be set on a TrainJob');
    expect(cluster.mutations).toEqual([]);
  });

  it('says Kubeflow Trainer is missing, or runs a single-pod Job with fallbackToJob', async () => {
    const { cluster, kubernetes, catalog } = setup();
    const action = createTrainingLaunchAction({ kubernetes, catalog });
    await expect(runAction(action, input)).rejects.toThrow(
      'kind TrainJob needs Kubeflow Trainer v2, but the cluster does not serve trainjobs.trainer.kubeflow.org (CRD not installed)',
    );
    const { outputs } = await runAction(action, {
      ...input,
      workers: 1,
      fallbackToJob: true,
    });
    expect(outputs.kind).toBe('Job');
    expect(cluster.all('Job')).toHaveLength(1);
  });

  it('stops before creating when the portal may not list the runtimes', async () => {
    const { cluster, kubernetes, catalog } = trainerCluster();
    cluster.denied = c => c.resource === 'clustertrainingruntimes';
    const action = createTrainingLaunchAction({ kubernetes, catalog });
    await expect(runAction(action, input)).rejects.toThrow(
      'may not list clustertrainingruntimes.trainer.kubeflow.org in the cluster: grant them',
    );
    expect(cluster.mutations).toEqual([]);
  });
});
