import type {
  KubernetesObject,
  V1Deployment,
  V1Service,
} from '@kubernetes/client-node';
import { runAction } from '../__testUtils__/actionContext';
import { setup } from '../__testUtils__/setup';
import {
  createModelDeployAction,
  KSERVE_GROUP_VERSION,
  splitReplicas,
} from './modelDeploy';

const input = {
  model: 'model:default/churn-classifier',
  image: 'ghcr.io/example/server:1.0',
  version: '1.0',
  replicas: 2,
};

describe('kaml-d:model:deploy', () => {
  it('creates a Deployment and a Service labelled with the model', async () => {
    const { cluster, kubernetes } = setup();
    const { outputs } = await runAction(
      createModelDeployAction({ kubernetes }),
      input,
    );
    expect(outputs).toEqual({
      namespace: 'kaml-d-models',
      name: 'churn-classifier',
      kind: 'Deployment',
      serviceName: 'churn-classifier',
      endpoint: 'http://churn-classifier.kaml-d-models.svc.cluster.local',
    });
    const [deployment] = cluster.all<V1Deployment>('Deployment');
    expect(deployment.spec?.replicas).toBe(2);
    expect(deployment.spec?.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'churn-classifier',
      'kaml-d.io/track': 'stable',
    });
    expect(deployment.spec?.template.metadata?.labels).toMatchObject({
      'app.kubernetes.io/name': 'churn-classifier',
      'kaml-d.io/model-version': '1.0',
    });
    const [service] = cluster.all<V1Service>('Service');
    expect(service.spec?.selector).toEqual({
      'app.kubernetes.io/name': 'churn-classifier',
    });
    expect(service.spec?.ports?.[0]).toMatchObject({
      port: 80,
      targetPort: 8080,
    });
    expect(cluster.all('HorizontalPodAutoscaler')).toEqual([]);
  });

  it("deploys a project's model into the project's namespace", async () => {
    const { cluster, kubernetes, catalog } = setup();
    const { outputs } = await runAction(
      createModelDeployAction({ kubernetes, catalog }),
      { ...input, model: 'model:default/fraud-scorer' },
    );
    expect(outputs.namespace).toBe('team-fraud');
    expect(outputs.endpoint).toBe(
      'http://fraud-scorer.team-fraud.svc.cluster.local',
    );
    expect(
      cluster.all<V1Deployment>('Deployment').map(d => d.metadata?.namespace),
    ).toEqual(['team-fraud']);
  });

  it('splits replicas for a canary behind the same Service, and adds an HPA on request', async () => {
    const { cluster, kubernetes } = setup();
    const { outputs } = await runAction(
      createModelDeployAction({ kubernetes }),
      {
        ...input,
        replicas: 4,
        canary: { image: 'ghcr.io/example/server:2.0', percent: 25 },
        autoscale: { minReplicas: 3, maxReplicas: 6 },
      },
    );
    expect(outputs.canaryName).toBe('churn-classifier-canary');
    const byName = new Map(
      cluster.all<V1Deployment>('Deployment').map(d => [d.metadata?.name, d]),
    );
    expect(byName.get('churn-classifier')?.spec?.replicas).toBe(3);
    expect(byName.get('churn-classifier-canary')?.spec?.replicas).toBe(1);
    expect(
      byName.get('churn-classifier-canary')?.spec?.template.spec?.containers[0]
        .image,
    ).toBe('ghcr.io/example/server:2.0');
    const [hpa] = cluster.all<
      KubernetesObject & { spec?: { minReplicas?: number } }
    >('HorizontalPodAutoscaler');
    expect(hpa.spec?.minReplicas).toBe(3);
  });

  it('a retried task replays its checkpoints; a new deploy of the model updates in place', async () => {
    const { cluster, kubernetes } = setup();
    const action = createModelDeployAction({ kubernetes });
    const first = await runAction(action, input, { taskId: 'task-a' });
    await runAction(action, input, { taskId: 'task-a', state: first.state });
    expect(cluster.mutations).toEqual([
      'create Deployment kaml-d-models/churn-classifier',
      'create Service kaml-d-models/churn-classifier',
    ]);
    await runAction(
      action,
      { ...input, image: 'ghcr.io/example/server:1.1' },
      { taskId: 'task-b' },
    );
    expect(cluster.all('Deployment')).toHaveLength(1);
    expect(
      cluster.all<V1Deployment>('Deployment')[0].spec?.template.spec
        ?.containers[0].image,
    ).toBe('ghcr.io/example/server:1.1');
    expect(cluster.mutations.slice(2)).toEqual([
      'replace Deployment kaml-d-models/churn-classifier',
      'replace Service kaml-d-models/churn-classifier',
    ]);
  });

  it('scales a former canary to 0 when a later deploy has none', async () => {
    const { cluster, kubernetes } = setup();
    const action = createModelDeployAction({ kubernetes });
    await runAction(
      action,
      {
        ...input,
        canary: { image: 'ghcr.io/example/server:2.0', percent: 50 },
      },
      { taskId: 'task-a' },
    );
    await runAction(action, input, { taskId: 'task-b' });
    const replicas = new Map(
      cluster
        .all<V1Deployment>('Deployment')
        .map(d => [d.metadata?.name, d.spec?.replicas]),
    );
    expect(replicas).toEqual(
      new Map([
        ['churn-classifier', 2],
        ['churn-classifier-canary', 0],
      ]),
    );
  });

  it('creates a KServe InferenceService when the cluster serves KServe', async () => {
    const { cluster, kubernetes } = setup();
    cluster.groupVersions.add(KSERVE_GROUP_VERSION);
    cluster.resources.add(`${KSERVE_GROUP_VERSION}/inferenceservices`);
    const { outputs } = await runAction(
      createModelDeployAction({ kubernetes }),
      {
        ...input,
        canary: { image: 'ghcr.io/example/server:2.0', percent: 10 },
      },
    );
    expect(outputs.kind).toBe('InferenceService');
    const [isvc] = cluster.all<
      KubernetesObject & { spec?: { predictor?: Record<string, unknown> } }
    >('InferenceService');
    expect(isvc.spec?.predictor).toMatchObject({
      minReplicas: 2,
      canaryTrafficPercent: 10,
    });
    expect(cluster.all('Deployment')).toEqual([]);
  });

  it('refuses target inferenceService when KServe is not installed, creating nothing', async () => {
    const { cluster, kubernetes } = setup();
    await expect(
      runAction(createModelDeployAction({ kubernetes }), {
        ...input,
        target: 'inferenceService',
      }),
    ).rejects.toThrow(
      'the cluster does not serve inferenceservices.serving.kserve.io (CRD not installed)',
    );
    expect(cluster.mutations).toEqual([]);
  });

  it('dry run validates access and creates nothing', async () => {
    const { cluster, kubernetes } = setup();
    await runAction(createModelDeployAction({ kubernetes }), input, {
      dryRun: true,
    });
    expect(cluster.mutations).toEqual([]);
    cluster.denied = c => c.resource === 'services';
    await expect(
      runAction(createModelDeployAction({ kubernetes }), input, {
        dryRun: true,
      }),
    ).rejects.toThrow(
      'may not create services in kaml-d-models, update services in kaml-d-models',
    );
  });

  it.each([
    [
      { replicas: 1, canary: { image: 'x:2', percent: 10 } },
      'a canary needs at least 2 replicas',
    ],
    [
      { autoscale: { minReplicas: 5, maxReplicas: 2 } },
      'autoscale.minReplicas is larger than maxReplicas',
    ],
    [{ version: 'v 1' }, 'version "v 1" is not a valid Kubernetes label value'],
    [{ image: 'has space:1' }, 'is not an image reference'],
  ])('rejects %j before creating anything', async (override, message) => {
    const { cluster, kubernetes } = setup();
    await expect(
      runAction(createModelDeployAction({ kubernetes }), {
        ...input,
        ...override,
      }),
    ).rejects.toThrow(message);
    expect(cluster.mutations).toEqual([]);
  });

  it('splits replicas in proportion, at least one pod on each side', () => {
    expect(splitReplicas(4, 0)).toEqual({ stable: 4, canary: 0 });
    expect(splitReplicas(4, 25)).toEqual({ stable: 3, canary: 1 });
    expect(splitReplicas(10, 50)).toEqual({ stable: 5, canary: 5 });
    expect(splitReplicas(2, 1)).toEqual({ stable: 1, canary: 1 });
    expect(() => splitReplicas(1, 10)).toThrow('at least 2 replicas');
  });
});
