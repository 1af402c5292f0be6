// The KAML-D actions against the rig's Kubernetes API server (kwok nodes), with the portal's
// least-privilege ServiceAccount configured the way app-config does it (url + token + caFile).
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AppsV1Api, BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { runAction } from '../__testUtils__/actionContext';
import { labelSelector, taskLabelValue } from '../kubernetes/names';
import { KubeTarget } from '../kubernetes/target';
import { createTrainingLaunchAction } from '../actions/trainingLaunch';
import { createTrainingWaitAction } from '../actions/trainingWait';
import { createModelDeployAction } from '../actions/modelDeploy';
import { createModelWaitReadyAction } from '../actions/modelWaitReady';
import { rigKubeConfig, rigTarget } from './rigCluster';

jest.setTimeout(180_000);

const TRAINING = 'kaml-d-training';
const MODELS = 'kaml-d-models';
const suffix = `${process.pid.toString(36)}-${Date.now().toString(36)}`;

const kubernetes: KubeTarget = rigTarget();
const catalog = catalogServiceMock({
  entities: [
    {
      apiVersion: 'kaml-d.io/v1alpha1',
      kind: 'Dataset',
      metadata: { name: 'customer-churn', namespace: 'default' },
      spec: { location: 's3://kaml-datasets/customer-churn/' },
    },
  ],
});

// the portal's own kubeconfig for inspection and cleanup (it may delete what it creates)
const portal = rigKubeConfig('portal');
const batch = portal.makeApiClient(BatchV1Api);
const apps = portal.makeApiClient(AppsV1Api);
const core = portal.makeApiClient(CoreV1Api);

const launch = createTrainingLaunchAction({ kubernetes, catalog });
const wait = createTrainingWaitAction({ kubernetes });
const deploy = createModelDeployAction({ kubernetes });
const waitReady = createModelWaitReadyAction({ kubernetes });

const jobsOfTask = async (taskId: string) =>
  (
    await batch.listNamespacedJob({
      namespace: TRAINING,
      labelSelector: labelSelector({
        'kaml-d.io/task-id': taskLabelValue(taskId),
      }),
    })
  ).items;

const models: string[] = [];
const tasks: string[] = [];
afterAll(async () => {
  for (const taskId of tasks) {
    for (const job of await jobsOfTask(taskId).catch(() => [])) {
      await batch
        .deleteNamespacedJob({
          name: job.metadata!.name!,
          namespace: TRAINING,
          propagationPolicy: 'Background',
        })
        .catch(() => undefined);
    }
  }
  for (const model of models) {
    for (const name of [model, `${model}-canary`]) {
      await apps
        .deleteNamespacedDeployment({ name, namespace: MODELS })
        .catch(() => undefined);
    }
    await core
      .deleteNamespacedService({ name: model, namespace: MODELS })
      .catch(() => undefined);
  }
});

function trainInput(
  model: string,
  podAnnotations: Record<string, string> = {},
) {
  return {
    model: `model:default/${model}`,
    datasets: ['dataset:default/customer-churn'],
    image: 'kaml-d/trainer:rig',
    args: ['--epochs', '3'],
    gpus: 1,
    cpu: '1',
    memory: '1Gi',
    credentialsSecret: 'dataset-reader',
    podAnnotations: { 'kaml-d.io/sim-run-ms': '1000', ...podAnnotations },
  };
}

describe('KAML-D actions on the rig cluster', () => {
  it('launch → wait: the Job runs on the GPU node and completes; its log reaches the task log', async () => {
    const taskId = `rig-ok-${suffix}`;
    tasks.push(taskId);
    const launched = await runAction(launch, trainInput(`churn-${suffix}`), {
      taskId,
    });
    const jobName = String(launched.outputs.jobName);
    const waited = await runAction(
      wait,
      { jobName, pollIntervalSeconds: 0.5, timeoutSeconds: 120 },
      { taskId },
    );
    expect(waited.outputs.status).toBe('Succeeded');
    expect(waited.lines.some(l => l.startsWith(`[${jobName}-`))).toBe(true);

    const pods = (
      await core.listNamespacedPod({
        namespace: TRAINING,
        labelSelector: `batch.kubernetes.io/job-name=${jobName}`,
      })
    ).items;
    expect(pods.map(p => [p.status?.phase, p.spec?.nodeName])).toEqual([
      ['Succeeded', 'kwok-gpu-0'],
    ]);
    const job = (await jobsOfTask(taskId))[0];
    expect(job.metadata?.labels?.['kaml-d.io/model']).toBe(`churn-${suffix}`);
    expect(job.spec?.template.spec?.containers[0].env).toContainEqual({
      name: 'AWS_SECRET_ACCESS_KEY',
      valueFrom: {
        secretKeyRef: { name: 'dataset-reader', key: 'secretAccessKey' },
      },
    });
  });

  it('a failing run fails the wait step', async () => {
    const taskId = `rig-fail-${suffix}`;
    tasks.push(taskId);
    const launched = await runAction(
      launch,
      trainInput(`churn-${suffix}`, { 'kaml-d.io/sim-outcome': 'fail' }),
      {
        taskId,
      },
    );
    await expect(
      runAction(
        wait,
        {
          jobName: String(launched.outputs.jobName),
          pollIntervalSeconds: 0.5,
          timeoutSeconds: 120,
        },
        { taskId },
      ),
    ).rejects.toThrow(
      /training Job kaml-d-training\/train-churn-.* failed: BackoffLimitExceeded/,
    );
  });

  it('dry run checks access and creates nothing', async () => {
    const taskId = `rig-dry-${suffix}`;
    tasks.push(taskId);
    const { outputs } = await runAction(launch, trainInput(`churn-${suffix}`), {
      taskId,
      dryRun: true,
    });
    expect(outputs.jobName).toMatch(/^train-churn-/);
    expect(await jobsOfTask(taskId)).toEqual([]);
    await runAction(
      deploy,
      { model: `dry-${suffix}`, image: 'kaml-d/server:rig' },
      { taskId, dryRun: true },
    );
    await expect(
      apps.readNamespacedDeployment({
        name: `dry-${suffix}`,
        namespace: MODELS,
      }),
    ).rejects.toThrow();
  });

  it('retrying a launch creates the Job once (replayed checkpoint, or lost checkpoint)', async () => {
    const taskId = `rig-retry-${suffix}`;
    tasks.push(taskId);
    const first = await runAction(launch, trainInput(`churn-${suffix}`), {
      taskId,
    });
    await runAction(launch, trainInput(`churn-${suffix}`), {
      taskId,
      state: first.state,
    });
    await runAction(launch, trainInput(`churn-${suffix}`), { taskId });
    expect((await jobsOfTask(taskId)).map(j => j.metadata?.name)).toEqual([
      first.outputs.jobName,
    ]);
  });

  it('deploy (with a canary) → wait-ready; deploying again updates in place', async () => {
    const model = `serve-${suffix}`;
    models.push(model);
    const taskId = `rig-deploy-${suffix}`;
    const input = {
      model: `model:default/${model}`,
      image: 'kaml-d/server:rig',
      replicas: 2,
      cpu: '100m',
      memory: '128Mi',
      canary: { image: 'kaml-d/server:rig-next', percent: 50 },
    };
    const deployed = await runAction(deploy, input, { taskId });
    expect(deployed.outputs.kind).toBe('Deployment');
    const ready = await runAction(
      waitReady,
      { model, pollIntervalSeconds: 0.5, timeoutSeconds: 120 },
      { taskId },
    );
    expect(ready.outputs.readyReplicas).toBe(2);

    await runAction(deploy, input, { taskId, state: deployed.state });
    await runAction(
      deploy,
      { ...input, image: 'kaml-d/server:rig-2' },
      { taskId: `${taskId}-again` },
    );
    const deployments = (
      await apps.listNamespacedDeployment({
        namespace: MODELS,
        labelSelector: `app.kubernetes.io/name=${model}`,
      })
    ).items;
    expect(deployments.map(d => d.metadata?.name).sort()).toEqual([
      model,
      `${model}-canary`,
    ]);
    expect(
      deployments.find(d => d.metadata?.name === model)?.spec?.template.spec
        ?.containers[0].image,
    ).toBe('kaml-d/server:rig-2');
    const again = await runAction(
      waitReady,
      { model, pollIntervalSeconds: 0.5, timeoutSeconds: 120 },
      { taskId },
    );
    expect(again.outputs.readyReplicas).toBe(2);

    // without a canary, the former canary is scaled to 0 and the model is ready on the stable pods
    const { canary: _canary, ...noCanary } = input;
    await runAction(deploy, noCanary, { taskId: `${taskId}-third` });
    const formerCanary = await apps.readNamespacedDeployment({
      name: `${model}-canary`,
      namespace: MODELS,
    });
    expect(formerCanary.spec?.replicas).toBe(0);
    const third = await runAction(
      waitReady,
      { model, pollIntervalSeconds: 0.5, timeoutSeconds: 120 },
      { taskId },
    );
    expect(third.outputs.readyReplicas).toBe(2);
  });
});
