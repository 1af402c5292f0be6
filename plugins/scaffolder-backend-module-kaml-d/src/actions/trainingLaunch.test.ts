import type { KubernetesObject, V1Job } from '@kubernetes/client-node';
import { runAction } from '../__testUtils__/actionContext';
import { setup } from '../__testUtils__/setup';
import { createTrainingLaunchAction } from './trainingLaunch';

const input = {
  model: 'model:default/churn-classifier',
  datasets: ['dataset:default/customer-churn'],
  image: 'ghcr.io/example/trainer:1.0',
  command: ['python', '-m', 'train'],
  args: ['--epochs', '3'],
  gpus: 1,
  cpu: '2',
  memory: '4Gi',
  credentialsSecret: 'dataset-reader',
};

describe('kaml-d:training:launch', () => {
  it('creates one Job tied to the model, with resources, dataset location and secret references', async () => {
    const { cluster, kubernetes, catalog } = setup();
    const action = createTrainingLaunchAction({ kubernetes, catalog });
    const { outputs } = await runAction(action, input, { taskId: 'task-a' });

    const jobs = cluster.all<V1Job>('Job');
    expect(jobs).toHaveLength(1);
    const job = jobs[0];
    expect(outputs).toEqual({
      kind: 'Job',
      jobName: job.metadata?.name,
      namespace: 'kaml-d-training',
      modelName: 'churn-classifier',
    });
    expect(job.metadata?.name).toMatch(/^train-churn-classifier-[0-9a-f]{10}$/);
    expect(job.metadata?.labels).toMatchObject({
      'kaml-d.io/model': 'churn-classifier',
      'app.kubernetes.io/part-of': 'kaml-d',
    });
    const pod = job.spec!.template;
    expect(pod.metadata?.labels?.['kaml-d.io/model']).toBe('churn-classifier');
    expect(pod.spec?.restartPolicy).toBe('Never');
    const container = pod.spec!.containers[0];
    expect(container.image).toBe('ghcr.io/example/trainer:1.0');
    expect(container.command).toEqual(['python', '-m', 'train']);
    expect(container.args).toEqual(['--epochs', '3']);
    expect(container.resources?.requests).toEqual({
      cpu: '2',
      memory: '4Gi',
      'nvidia.com/gpu': '1',
    });
    expect(container.resources?.limits).toEqual(container.resources?.requests);
    expect(container.env).toEqual([
      {
        name: 'KAML_DATASET_LOCATION',
        value: 's3://kaml-datasets/customer-churn/',
      },
      {
        name: 'KAML_DATASET_LOCATIONS',
        value: 's3://kaml-datasets/customer-churn/',
      },
      {
        name: 'AWS_ACCESS_KEY_ID',
        valueFrom: {
          secretKeyRef: { name: 'dataset-reader', key: 'accessKeyId' },
        },
      },
      {
        name: 'AWS_SECRET_ACCESS_KEY',
        valueFrom: {
          secretKeyRef: { name: 'dataset-reader', key: 'secretAccessKey' },
        },
      },
    ]);
  });

  it('creates nothing twice: a replayed checkpoint, or a retry after the checkpoint was lost', async () => {
    const { cluster, kubernetes, catalog } = setup();
    const action = createTrainingLaunchAction({ kubernetes, catalog });
    const first = await runAction(action, input, { taskId: 'task-a' });
    const replay = await runAction(action, input, {
      taskId: 'task-a',
      state: first.state,
    });
    const lost = await runAction(action, input, { taskId: 'task-a' });
    expect(cluster.mutations).toHaveLength(1);
    expect(replay.outputs.jobName).toBe(first.outputs.jobName);
    expect(lost.outputs.jobName).toBe(first.outputs.jobName);

    const other = await runAction(action, input, { taskId: 'task-b' });
    expect(other.outputs.jobName).not.toBe(first.outputs.jobName);
    expect(cluster.all('Job')).toHaveLength(2);
  });

  it('refuses to adopt a Job of that name that another task created', async () => {
    const { cluster, kubernetes, catalog } = setup();
    const action = createTrainingLaunchAction({ kubernetes, catalog });
    const { outputs } = await runAction(action, input, { taskId: 'task-a' });
    const job = cluster.all<V1Job>('Job')[0];
    cluster.put({
      ...job,
      metadata: {
        ...job.metadata,
        labels: { 'kaml-d.io/task-id': 'task-other' },
      },
    });
    await expect(
      runAction(action, input, { taskId: 'task-a' }),
    ).rejects.toThrow(
      `Job kaml-d-training/${outputs.jobName} already exists and was not created by this task`,
    );
  });

  it('dry run validates and creates nothing', async () => {
    const { cluster, kubernetes, catalog } = setup();
    const action = createTrainingLaunchAction({ kubernetes, catalog });
    const { outputs } = await runAction(action, input, { dryRun: true });
    expect(outputs.jobName).toMatch(/^train-churn-classifier-/);
    expect(cluster.mutations).toEqual([]);
  });

  it.each([
    [
      { datasets: ['dataset:default/missing'] },
      'dataset dataset:default/missing is not in the catalog',
    ],
    [{ datasets: ['dataset:default/no-location'] }, 'has no spec.location'],
    [
      { gpus: 3 },
      '3 GPUs cannot be scheduled: the largest node has 2 nvidia.com/gpu',
    ],
    [
      { model: 'model:default/Churn_Classifier' },
      'is not a valid Kubernetes name',
    ],
    [{ cpu: 'two' }, 'cpu "two" is not a Kubernetes quantity'],
    [
      { credentialsSecret: 'Bad Secret' },
      'credentialsSecret "Bad Secret" is not a valid Kubernetes name',
    ],
    [
      { env: { 'BAD-NAME': 'x' } },
      '"BAD-NAME" is not a valid environment variable name',
    ],
  ])(
    'rejects bad input %j before creating anything',
    async (override, message) => {
      const { cluster, kubernetes, catalog } = setup();
      const action = createTrainingLaunchAction({ kubernetes, catalog });
      await expect(
        runAction(action, { ...input, ...override }),
      ).rejects.toThrow(message);
      expect(cluster.mutations).toEqual([]);
    },
  );

  it('rejects a GPU count outside the schema', async () => {
    const { kubernetes, catalog } = setup();
    const action = createTrainingLaunchAction({ kubernetes, catalog });
    await expect(runAction(action, { ...input, gpus: 99 })).rejects.toThrow(
      'input rejected by the schema',
    );
  });

  it("runs a project's model in the project's namespace (one namespace per project)", async () => {
    const { cluster, kubernetes, catalog } = setup();
    const action = createTrainingLaunchAction({ kubernetes, catalog });
    const { outputs } = await runAction(
      action,
      { ...input, model: 'model:default/fraud-scorer' },
      { taskId: 'task-project' },
    );
    expect(outputs.namespace).toBe('team-fraud');
    expect(cluster.all<V1Job>('Job').map(j => j.metadata?.namespace)).toEqual([
      'team-fraud',
    ]);
  });

  it('names the project whose namespace annotation is wrong, and creates nothing', async () => {
    const { cluster, kubernetes, catalog } = setup();
    const action = createTrainingLaunchAction({ kubernetes, catalog });
    await expect(
      runAction(action, { ...input, model: 'model:default/misplaced-model' }),
    ).rejects.toThrow(
      'project system:default/misnamed sets kaml-d.io/namespace "Team_Fraud", which is not a namespace name',
    );
    expect(cluster.all<V1Job>('Job')).toEqual([]);
  });

  it('fails with what to configure when no cluster is configured', async () => {
    const { catalog } = setup();
    const action = createTrainingLaunchAction({
      kubernetes: undefined,
      catalog,
    });
    await expect(runAction(action, input)).rejects.toThrow(
      'KAML-D Kubernetes access is not configured: configure the cluster for the Kubernetes plugin (kubernetes.clusterLocatorMethods, type config, authProvider serviceAccount) and set kamlD.workloadCluster to its name',
    );
  });

  it('fails before any mutation when RBAC denies creating Jobs', async () => {
    const { cluster, kubernetes, catalog } = setup();
    cluster.denied = c => c.verb === 'create' && c.resource === 'jobs';
    const action = createTrainingLaunchAction({ kubernetes, catalog });
    await expect(runAction(action, input)).rejects.toThrow(
      "the portal's Kubernetes credentials may not create jobs.batch in kaml-d-training",
    );
    expect(cluster.mutations).toEqual([]);
  });

  it('fails the step when the cluster is unreachable', async () => {
    const { cluster, kubernetes, catalog } = setup();
    cluster.unreachable = true;
    const action = createTrainingLaunchAction({ kubernetes, catalog });
    await expect(runAction(action, input)).rejects.toThrow(
      'the API server is unreachable',
    );
  });

  describe('training-operator kinds', () => {
    type OperatorJob = KubernetesObject & { spec: Record<string, any> };

    it('creates a TFJob with the pod template in each Worker when tfjobs.kubeflow.org is served', async () => {
      const { cluster, kubernetes, catalog } = setup();
      cluster.groupVersions.add('kubeflow.org/v1');
      cluster.resources.add('kubeflow.org/v1/tfjobs');
      const action = createTrainingLaunchAction({ kubernetes, catalog });
      const { outputs } = await runAction(action, {
        ...input,
        kind: 'TFJob',
        workers: 2,
      });
      expect(outputs.kind).toBe('TFJob');
      expect(cluster.all('Job')).toEqual([]);
      const [tfjob] = cluster.all<OperatorJob>('TFJob');
      expect(tfjob.apiVersion).toBe('kubeflow.org/v1');
      expect(tfjob.metadata?.labels?.['kaml-d.io/model']).toBe(
        'churn-classifier',
      );
      const worker = tfjob.spec.tfReplicaSpecs.Worker;
      expect(worker.replicas).toBe(2);
      expect(worker.restartPolicy).toBe('Never');
      expect(worker.template.spec.containers[0]).toMatchObject({
        name: 'tensorflow',
        image: 'ghcr.io/example/trainer:1.0',
        resources: { limits: { 'nvidia.com/gpu': '1' } },
      });
      expect(worker.template.metadata.labels['kaml-d.io/model']).toBe(
        'churn-classifier',
      );
    });

    it('creates a PyTorchJob with one Master and workers - 1 Workers', async () => {
      const { cluster, kubernetes, catalog } = setup();
      cluster.groupVersions.add('kubeflow.org/v1');
      cluster.resources.add('kubeflow.org/v1/pytorchjobs');
      const action = createTrainingLaunchAction({ kubernetes, catalog });
      await runAction(action, { ...input, kind: 'PyTorchJob', workers: 3 });
      const [job] = cluster.all<OperatorJob>('PyTorchJob');
      expect(job.spec.pytorchReplicaSpecs.Master.replicas).toBe(1);
      expect(job.spec.pytorchReplicaSpecs.Worker.replicas).toBe(2);
      expect(
        job.spec.pytorchReplicaSpecs.Master.template.spec.containers[0].name,
      ).toBe('pytorch');
    });

    it('says the CRD is missing and creates nothing, or runs a Job when fallbackToJob', async () => {
      const { cluster, kubernetes, catalog } = setup();
      // the group is served but only with tfjobs: a PyTorchJob is still missing
      cluster.groupVersions.add('kubeflow.org/v1');
      cluster.resources.add('kubeflow.org/v1/tfjobs');
      const action = createTrainingLaunchAction({ kubernetes, catalog });
      await expect(
        runAction(action, { ...input, kind: 'PyTorchJob' }),
      ).rejects.toThrow(
        'kind PyTorchJob needs the Kubeflow training operator, but the cluster does not serve pytorchjobs.kubeflow.org (CRD not installed)',
      );
      expect(cluster.mutations).toEqual([]);
      const { outputs } = await runAction(action, {
        ...input,
        kind: 'PyTorchJob',
        fallbackToJob: true,
      });
      expect(outputs.kind).toBe('Job');
      expect(cluster.all('Job')).toHaveLength(1);
      await expect(runAction(action, { ...input, workers: 2 })).rejects.toThrow(
        'a Job runs one pod',
      );
    });
  });
});
