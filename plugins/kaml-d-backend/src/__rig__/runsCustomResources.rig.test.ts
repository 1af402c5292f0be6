// The Runs and Deployments answer with training-operator and KServe resources, against the rig's
// API server. The rig runs neither operator: the test installs minimal CRDs of its own (admin),
// creates a TFJob and an InferenceService labelled with its model (admin), writes their status as
// the operators would, and reads them through the Runs service with the portal ServiceAccount.
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { readKamlDClusterAccess } from '@kaml-d/plugin-kaml-d-node';
import { createRunsService } from '../services/Runs';
import { rigEnv } from './rigEnv';

jest.setTimeout(120_000);

const TRAINING = 'kaml-d-training';
const MODELS = 'kaml-d-models';
const suffix = randomBytes(3).toString('hex');
const model = `runs-crd-${suffix}`;

const admin = new KubeConfig();
admin.loadFromFile(rigEnv('KAML_RIG_KUBECONFIG_ADMIN'));
const extensions = admin.makeApiClient(ApiextensionsV1Api);
const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
const custom = admin.makeApiClient(CustomObjectsApi);

const TFJOBS = { group: 'kubeflow.org', version: 'v1', plural: 'tfjobs' };
const ISVCS = {
  group: 'serving.kserve.io',
  version: 'v1beta1',
  plural: 'inferenceservices',
};
const CRDS = [
  { ...TFJOBS, kind: 'TFJob' },
  {
    group: 'kubeflow.org',
    version: 'v1',
    plural: 'pytorchjobs',
    kind: 'PyTorchJob',
  },
  { ...ISVCS, kind: 'InferenceService' },
];

/** The portal's rules for these resources, as e2e/rig/kube/rbac.yaml grants them. */
function rulesFor(role: string) {
  const file = resolve(__dirname, '../../../../e2e/rig/kube/rbac.yaml');
  const docs = parseAllDocuments(readFileSync(file, 'utf8')).map(d => d.toJS());
  return docs
    .find(d => d?.kind === 'ClusterRole' && d.metadata?.name === role)
    .rules.filter((r: { apiGroups: string[] }) =>
      r.apiGroups.some(g => g === 'kubeflow.org' || g === 'serving.kserve.io'),
    );
}
const roleName = (ns: string) => `kaml-d-rig-runs-crds-${ns}-${suffix}`;

beforeAll(async () => {
  for (const c of CRDS) {
    await extensions.createCustomResourceDefinition({
      body: {
        metadata: { name: `${c.plural}.${c.group}` },
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
      },
    });
  }
  for (const c of CRDS) {
    for (let i = 0; ; i++) {
      const got = await extensions.readCustomResourceDefinition({
        name: `${c.plural}.${c.group}`,
      });
      if (
        got.status?.conditions?.some(
          x => x.type === 'Established' && x.status === 'True',
        )
      ) {
        break;
      }
      if (i > 100) throw new Error(`${c.plural} not established`);
      await new Promise(r => setTimeout(r, 200));
    }
  }
  for (const [namespace, role] of [
    [TRAINING, 'kaml-d-portal-train'],
    [MODELS, 'kaml-d-portal-serve'],
  ]) {
    await rbac.createClusterRole({
      body: { metadata: { name: roleName(namespace) }, rules: rulesFor(role) },
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
  // a new CRD's storage answers 429 "storage is (re)initializing" for a moment
  for (const c of CRDS) {
    for (let i = 0; ; i++) {
      try {
        await custom.listNamespacedCustomObject({
          group: c.group,
          version: c.version,
          plural: c.plural,
          namespace: TRAINING,
        });
        break;
      } catch (e) {
        if (i > 50) throw e;
        await new Promise(r => setTimeout(r, 200));
      }
    }
  }
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
  for (const c of CRDS) {
    await extensions
      .deleteCustomResourceDefinition({ name: `${c.plural}.${c.group}` })
      .catch(() => undefined);
  }
});

async function createWithStatus(
  c: { group: string; version: string; plural: string },
  namespace: string,
  body: Record<string, any>,
  status: object,
) {
  const created = (await custom.createNamespacedCustomObject({
    ...c,
    namespace,
    body,
  })) as Record<string, any>;
  await custom.replaceNamespacedCustomObjectStatus({
    ...c,
    namespace,
    name: body.metadata.name,
    body: { ...created, status },
  });
}

describe('Runs answer with custom resources on the rig cluster', () => {
  it('shows a TFJob whose operator status says Succeeded, and an InferenceService Ready with its canary', async () => {
    const labels = { 'kaml-d.io/model': model };
    await createWithStatus(
      TFJOBS,
      TRAINING,
      {
        apiVersion: 'kubeflow.org/v1',
        kind: 'TFJob',
        metadata: { name: `train-${model}`, labels },
        spec: {
          tfReplicaSpecs: {
            Worker: {
              replicas: 2,
              restartPolicy: 'Never',
              template: {
                metadata: { labels },
                spec: {
                  containers: [
                    {
                      name: 'tensorflow',
                      image: 'kaml-d/trainer:rig',
                      resources: { limits: { 'nvidia.com/gpu': '1' } },
                    },
                  ],
                },
              },
            },
          },
        },
      },
      {
        startTime: '2026-01-01T00:00:00Z',
        completionTime: '2026-01-01T00:05:00Z',
        conditions: [
          { type: 'Created', status: 'True', reason: 'TFJobCreated' },
          { type: 'Succeeded', status: 'True', reason: 'TFJobSucceeded' },
        ],
      },
    );
    await createWithStatus(
      ISVCS,
      MODELS,
      {
        apiVersion: 'serving.kserve.io/v1beta1',
        kind: 'InferenceService',
        metadata: { name: model, labels },
        spec: { predictor: { minReplicas: 2, canaryTrafficPercent: 10 } },
      },
      {
        url: `http://${model}.${MODELS}.example.com`,
        conditions: [
          { type: 'PredictorReady', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
      },
    );

    const service = createRunsService({
      cluster: readKamlDClusterAccess(
        new ConfigReader({
          kamlD: {
            kubernetes: {
              url: rigEnv('KAML_RIG_KUBE_URL'),
              token: rigEnv('KAML_RIG_KUBE_PORTAL_TOKEN'),
              caFile: rigEnv('KAML_RIG_KUBE_CA'),
            },
          },
        }),
      ),
      catalog: catalogServiceMock({
        entities: [
          {
            apiVersion: 'kaml-d.io/v1alpha1',
            kind: 'Model',
            metadata: { name: model, namespace: 'default' },
            spec: { owner: 'group:default/data-science' },
          },
        ],
      }),
      cache: CacheManager.fromConfig(
        mockServices.rootConfig({
          data: { backend: { cache: { store: 'memory' } } },
        }),
      ).forPlugin('kaml-d'),
    });
    const answer = await service.runs(
      { kind: 'model', namespace: 'default', name: model },
      mockCredentials.user('user:default/alice'),
    );
    expect(answer.error).toBeUndefined();
    expect(answer.errors).toBeUndefined();
    expect(answer.runs).toEqual([
      expect.objectContaining({
        kind: 'TFJob',
        name: `train-${model}`,
        status: 'Succeeded',
        message: 'TFJobSucceeded',
        durationSeconds: 300,
        gpus: 2,
      }),
    ]);
    expect(answer.deployments).toEqual([
      expect.objectContaining({
        kind: 'InferenceService',
        name: model,
        status: 'Ready',
        canaryTrafficPercent: 10,
        readyReplicas: 2,
        endpoint: `http://${model}.${MODELS}.example.com`,
      }),
    ]);
  });
});
