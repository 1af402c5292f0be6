// The training-operator and KServe paths of the KAML-D actions against the rig's API server.
// The rig runs neither operator, so this test installs minimal CRDs of its own (admin), plays the
// operators by writing status through the status subresource (admin), and lets the actions act
// with the portal's ServiceAccount. CRDs, RBAC and objects are removed afterwards.
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  RbacAuthorizationV1Api,
  V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runAction } from '../__testUtils__/actionContext';
import { createKubeClient } from '../kubernetes/client';
import { readKamlDKubernetesSettings } from '../kubernetes/config';
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

const admin = rigKubeConfig('admin');
const extensions = admin.makeApiClient(ApiextensionsV1Api);
const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
const customAdmin = admin.makeApiClient(CustomObjectsApi);

const CRDS: Array<{
  group: string;
  version: string;
  kind: string;
  plural: string;
}> = [
  { group: 'kubeflow.org', version: 'v1', kind: 'TFJob', plural: 'tfjobs' },
  {
    group: 'kubeflow.org',
    version: 'v1',
    kind: 'PyTorchJob',
    plural: 'pytorchjobs',
  },
  {
    group: 'serving.kserve.io',
    version: 'v1beta1',
    kind: 'InferenceService',
    plural: 'inferenceservices',
  },
];

function crd(c: (typeof CRDS)[number]): V1CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${c.plural}.${c.group}`,
      labels: { 'kaml-d.io/rig-test': suffix },
    },
    spec: {
      group: c.group,
      scope: 'Namespaced',
      names: {
        kind: c.kind,
        plural: c.plural,
        singular: c.kind.toLowerCase(),
        listKind: `${c.kind}List`,
      },
      versions: [
        {
          name: c.version,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              x_kubernetes_preserve_unknown_fields: true,
            },
          },
          subresources: { status: {} },
        },
      ],
    },
  };
}

/**
 * The rules of the portal's ClusterRoles in e2e/rig/kube/rbac.yaml (and the Helm chart) for these
 * resources. The running rig was started before they were added, so the test binds a copy of
 * exactly those rules to the portal ServiceAccount for its duration.
 */
function customResourceRules(): Record<string, any[]> {
  const file = resolve(__dirname, '../../../../e2e/rig/kube/rbac.yaml');
  const docs = parseAllDocuments(readFileSync(file, 'utf8')).map(d => d.toJS());
  const rulesOf = (name: string) =>
    (
      docs.find(d => d?.kind === 'ClusterRole' && d.metadata?.name === name)
        ?.rules ?? []
    ).filter((r: { apiGroups: string[] }) =>
      r.apiGroups.some(g => g === 'kubeflow.org' || g === 'serving.kserve.io'),
    );
  return {
    [TRAINING]: rulesOf('kaml-d-portal-train'),
    [MODELS]: rulesOf('kaml-d-portal-serve'),
  };
}

async function waitEstablished(name: string) {
  for (let i = 0; i < 100; i++) {
    const c = await extensions.readCustomResourceDefinition({ name });
    if (
      c.status?.conditions?.some(
        x => x.type === 'Established' && x.status === 'True',
      )
    ) {
      return;
    }
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`CRD ${name} was not established`);
}

const roleName = (ns: string) => `kaml-d-rig-crds-${ns}-${suffix}`;

beforeAll(async () => {
  for (const c of CRDS) {
    await extensions.createCustomResourceDefinition({ body: crd(c) });
  }
  for (const c of CRDS) await waitEstablished(`${c.plural}.${c.group}`);
  const rules = customResourceRules();
  for (const [namespace, nsRules] of Object.entries(rules)) {
    if (nsRules.length === 0) {
      throw new Error(
        `rbac.yaml grants the portal no custom-resource rules in ${namespace}`,
      );
    }
    await rbac.createClusterRole({
      body: {
        metadata: { name: roleName(namespace) },
        rules: nsRules,
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: roleName(namespace) },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: roleName(namespace),
        },
        subjects: [
          {
            kind: 'ServiceAccount',
            name: 'kaml-d-portal',
            namespace: 'kaml-d-system',
          },
        ],
      },
    });
  }
  // RBAC changes reach the authorizer's cache within moments
  await new Promise(r => setTimeout(r, 1000));
});

afterAll(async () => {
  for (const namespace of [TRAINING, MODELS]) {
    await rbac
      .deleteNamespacedRoleBinding({ name: roleName(namespace), namespace })
      .catch(() => undefined);
    await rbac
      .deleteClusterRole({ name: roleName(namespace) })
      .catch(() => undefined);
  }
  // deleting a CRD deletes its objects too
  for (const c of CRDS) {
    await extensions
      .deleteCustomResourceDefinition({ name: `${c.plural}.${c.group}` })
      .catch(() => undefined);
  }
});

/** A fresh portal client: API discovery answers are cached per client. */
const portalTarget = (): KubeTarget => rigTarget();

const catalog = catalogServiceMock({ entities: [] });

/** Writes status the way an operator does: through the status subresource. */
async function setStatus(
  c: (typeof CRDS)[number],
  namespace: string,
  name: string,
  status: object,
) {
  const current = (await customAdmin.getNamespacedCustomObject({
    group: c.group,
    version: c.version,
    namespace,
    plural: c.plural,
    name,
  })) as Record<string, unknown>;
  await customAdmin.replaceNamespacedCustomObjectStatus({
    group: c.group,
    version: c.version,
    namespace,
    plural: c.plural,
    name,
    body: { ...current, status },
  });
}

async function listCustom(c: (typeof CRDS)[number], namespace: string) {
  const list = (await customAdmin.listNamespacedCustomObject({
    group: c.group,
    version: c.version,
    namespace,
    plural: c.plural,
    labelSelector: `kaml-d.io/model=crd-${suffix}`,
  })) as { items: Array<{ metadata: { name: string }; spec: any }> };
  return list.items;
}

describe('training operator and KServe CRDs on the rig cluster', () => {
  it('launch → TFJob accepted by the API server → operator status Succeeded → wait succeeds; a retry creates no second TFJob', async () => {
    const kubernetes = portalTarget();
    const launch = createTrainingLaunchAction({ kubernetes, catalog });
    const input = {
      model: `model:default/crd-${suffix}`,
      image: 'kaml-d/trainer:rig',
      kind: 'TFJob',
      workers: 2,
      gpus: 1,
      cpu: '1',
      memory: '1Gi',
    };
    const taskId = `rig-tfjob-${suffix}`;
    const first = await runAction(launch, input, { taskId });
    expect(first.outputs.kind).toBe('TFJob');
    // retried: with the checkpoint, and without it (the create answers 409, same task label)
    await runAction(launch, input, { taskId, state: first.state });
    await runAction(launch, input, { taskId });
    const tfjobs = await listCustom(CRDS[0], TRAINING);
    expect(tfjobs.map(j => j.metadata.name)).toEqual([first.outputs.jobName]);
    expect(tfjobs[0].spec.tfReplicaSpecs.Worker.replicas).toBe(2);

    const name = String(first.outputs.jobName);
    await setStatus(CRDS[0], TRAINING, name, {
      startTime: '2026-01-01T00:00:00Z',
      completionTime: '2026-01-01T00:03:00Z',
      conditions: [
        { type: 'Created', status: 'True', reason: 'TFJobCreated' },
        { type: 'Running', status: 'False', reason: 'TFJobRunning' },
        {
          type: 'Succeeded',
          status: 'True',
          reason: 'TFJobSucceeded',
          message: `TFJob ${TRAINING}/${name} successfully completed.`,
        },
      ],
    });
    const waited = await runAction(
      createTrainingWaitAction({ kubernetes }),
      {
        jobName: name,
        kind: 'TFJob',
        pollIntervalSeconds: 0.2,
        timeoutSeconds: 30,
      },
      { taskId },
    );
    expect(waited.outputs).toMatchObject({
      status: 'Succeeded',
      durationSeconds: 180,
    });
  });

  it('a PyTorchJob that fails fails the wait step with the operator reason', async () => {
    const kubernetes = portalTarget();
    const taskId = `rig-pytorch-${suffix}`;
    const launched = await runAction(
      createTrainingLaunchAction({ kubernetes, catalog }),
      {
        model: `model:default/crd-${suffix}`,
        image: 'kaml-d/trainer:rig',
        kind: 'PyTorchJob',
        workers: 3,
      },
      { taskId },
    );
    const name = String(launched.outputs.jobName);
    const [created] = (await listCustom(CRDS[1], TRAINING)).filter(
      j => j.metadata.name === name,
    );
    expect(created.spec.pytorchReplicaSpecs.Worker.replicas).toBe(2);
    await setStatus(CRDS[1], TRAINING, name, {
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          reason: 'PyTorchJobFailed',
          message: 'master-0 exited with code 1',
        },
      ],
    });
    await expect(
      runAction(
        createTrainingWaitAction({ kubernetes }),
        { jobName: name, kind: 'PyTorchJob', pollIntervalSeconds: 0.2 },
        { taskId },
      ),
    ).rejects.toThrow(
      `training PyTorchJob ${TRAINING}/${name} failed: PyTorchJobFailed: master-0 exited with code 1`,
    );
  });

  it('deploy → InferenceService with a canary share → Ready through status → wait-ready succeeds', async () => {
    const kubernetes = portalTarget();
    const model = `crd-${suffix}`;
    const deployed = await runAction(
      createModelDeployAction({ kubernetes }),
      {
        model: `model:default/${model}`,
        image: 'kaml-d/server:rig',
        replicas: 2,
        cpu: '100m',
        memory: '128Mi',
        target: 'inferenceService',
        canary: { image: 'kaml-d/server:rig-next', percent: 20 },
      },
      { taskId: `rig-isvc-${suffix}` },
    );
    expect(deployed.outputs.kind).toBe('InferenceService');
    const [isvc] = await listCustom(CRDS[2], MODELS);
    expect(isvc.spec.predictor).toMatchObject({
      canaryTrafficPercent: 20,
      minReplicas: 2,
    });

    const waitReady = createModelWaitReadyAction({ kubernetes });
    // not Ready yet: the step times out naming the interpreted status
    await setStatus(CRDS[2], MODELS, model, {
      conditions: [
        {
          type: 'PredictorReady',
          status: 'Unknown',
          reason: 'RevisionMissing',
        },
        { type: 'Ready', status: 'False', reason: 'RevisionMissing' },
      ],
    });
    await expect(
      runAction(waitReady, {
        model,
        kind: 'InferenceService',
        pollIntervalSeconds: 0.2,
        timeoutSeconds: 1,
      }),
    ).rejects.toThrow(`InferenceService ${model} is NotReady`);
    await setStatus(CRDS[2], MODELS, model, {
      url: `http://${model}.${MODELS}.example.com`,
      conditions: [
        { type: 'PredictorReady', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
    });
    const ready = await runAction(waitReady, {
      model,
      kind: 'InferenceService',
      pollIntervalSeconds: 0.2,
      timeoutSeconds: 30,
    });
    expect(ready.lines).toContain(`Model ${model} is ready in ${MODELS}`);
  });

  it('bad input and an unreachable cluster fail clearly and create nothing', async () => {
    const kubernetes = portalTarget();
    const launch = createTrainingLaunchAction({ kubernetes, catalog });
    const base = {
      model: `model:default/bad-${suffix}`,
      image: 'kaml-d/trainer:rig',
      kind: 'TFJob',
    };
    await expect(
      runAction(launch, { ...base, gpus: 9 }, { taskId: `bad-gpu-${suffix}` }),
    ).rejects.toThrow('9 GPUs cannot be scheduled: the largest node has');
    await expect(
      runAction(
        launch,
        { ...base, model: 'model:default/Not_A_Name' },
        { taskId: `bad-name-${suffix}` },
      ),
    ).rejects.toThrow('is not a valid Kubernetes name');
    const unreachable = createKubeClient({
      ...readKamlDKubernetesSettings(
        new ConfigReader({
          kamlD: {
            kubernetes: { url: 'https://127.0.0.1:1', token: 'x' },
          },
        }),
      )!,
    });
    await expect(
      runAction(
        createTrainingLaunchAction({
          kubernetes: { ...kubernetes, client: unreachable },
          catalog,
        }),
        base,
        { taskId: `bad-net-${suffix}` },
      ),
    ).rejects.toThrow('the API server is unreachable');
    const list = (await customAdmin.listNamespacedCustomObject({
      group: 'kubeflow.org',
      version: 'v1',
      namespace: TRAINING,
      plural: 'tfjobs',
      labelSelector: `kaml-d.io/model=bad-${suffix}`,
    })) as { items: unknown[] };
    expect(list.items).toEqual([]);
  });
});
