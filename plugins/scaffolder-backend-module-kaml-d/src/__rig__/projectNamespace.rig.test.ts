// One namespace per project on the rig cluster: a Model whose System carries
// kaml-d.io/namespace trains and is served in that namespace (the portal ServiceAccount holds
// the train and serve RoleBindings there, e2e/rig/kube/rbac.yaml), through the same actions.
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AppsV1Api, BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { runAction } from '../__testUtils__/actionContext';
import { createTrainingLaunchAction } from '../actions/trainingLaunch';
import { createTrainingWaitAction } from '../actions/trainingWait';
import { createModelDeployAction } from '../actions/modelDeploy';
import { createModelWaitReadyAction } from '../actions/modelWaitReady';
import { rigKubeConfig, rigSettings, rigTarget } from './rigCluster';

jest.setTimeout(180_000);

const PROJECT_NAMESPACE = 'kaml-d-project-demo';
const suffix = `${process.pid.toString(36)}-${Date.now().toString(36)}`;
const modelName = `proj-${suffix}`;

const settings = rigSettings();
const kubernetes = rigTarget(settings);
const catalog = catalogServiceMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: {
        name: 'demo-project',
        namespace: 'default',
        annotations: { 'kaml-d.io/namespace': PROJECT_NAMESPACE },
      },
      spec: { owner: 'group:default/data-science' },
    },
    {
      apiVersion: 'kaml-d.io/v1alpha1',
      kind: 'Model',
      metadata: { name: modelName, namespace: 'default' },
      spec: { owner: 'group:default/data-science', system: 'demo-project' },
    },
    {
      apiVersion: 'kaml-d.io/v1alpha1',
      kind: 'Dataset',
      metadata: { name: 'customer-churn', namespace: 'default' },
      spec: { location: 's3://kaml-datasets/customer-churn/' },
    },
  ],
});

const admin = rigKubeConfig('admin');
const batch = admin.makeApiClient(BatchV1Api);
const apps = admin.makeApiClient(AppsV1Api);
const core = admin.makeApiClient(CoreV1Api);

const jobs: string[] = [];
afterAll(async () => {
  for (const name of jobs) {
    await batch
      .deleteNamespacedJob({
        name,
        namespace: PROJECT_NAMESPACE,
        propagationPolicy: 'Background',
      })
      .catch(() => undefined);
  }
  await apps
    .deleteNamespacedDeployment({
      name: modelName,
      namespace: PROJECT_NAMESPACE,
    })
    .catch(() => undefined);
  await core
    .deleteNamespacedService({ name: modelName, namespace: PROJECT_NAMESPACE })
    .catch(() => undefined);
});

describe("a project's model on the rig cluster", () => {
  it('trains to Succeeded and is served ready in the project namespace, not the shared ones', async () => {
    const launch = await runAction(
      createTrainingLaunchAction({ kubernetes, catalog }),
      {
        model: `model:default/${modelName}`,
        datasets: ['dataset:default/customer-churn'],
        image: 'kaml-d/trainer:rig',
        cpu: '500m',
        memory: '256Mi',
        podAnnotations: { 'kaml-d.io/sim-run-ms': '800' },
      },
      { taskId: `project-train-${suffix}` },
    );
    jobs.push(String(launch.outputs.jobName));
    expect(launch.outputs.namespace).toBe(PROJECT_NAMESPACE);
    const wait = await runAction(
      createTrainingWaitAction({ kubernetes }),
      {
        jobName: launch.outputs.jobName,
        namespace: launch.outputs.namespace,
        timeoutSeconds: 120,
      },
      { taskId: `project-train-${suffix}` },
    );
    expect(wait.outputs.status).toBe('Succeeded');
    const job = await batch.readNamespacedJob({
      name: String(launch.outputs.jobName),
      namespace: PROJECT_NAMESPACE,
    });
    expect(job.metadata?.labels?.['kaml-d.io/model']).toBe(modelName);

    const deploy = await runAction(
      createModelDeployAction({ kubernetes, catalog }),
      { model: `model:default/${modelName}`, image: 'kaml-d/server:rig' },
      { taskId: `project-deploy-${suffix}` },
    );
    expect(deploy.outputs.namespace).toBe(PROJECT_NAMESPACE);
    expect(deploy.outputs.endpoint).toBe(
      `http://${modelName}.${PROJECT_NAMESPACE}.svc.cluster.local`,
    );
    const ready = await runAction(
      createModelWaitReadyAction({ kubernetes }),
      {
        model: `model:default/${modelName}`,
        namespace: deploy.outputs.namespace,
        timeoutSeconds: 120,
      },
      { taskId: `project-deploy-${suffix}` },
    );
    expect(ready.outputs.readyReplicas).toBeGreaterThanOrEqual(1);
    // nothing of this model in the shared namespaces
    const shared = await apps.listNamespacedDeployment({
      namespace: settings.modelsNamespace,
      labelSelector: `kaml-d.io/model=${modelName}`,
    });
    expect(shared.items).toEqual([]);
  });
});
