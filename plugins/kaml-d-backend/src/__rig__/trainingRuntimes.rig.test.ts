import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { readKamlDClusterAccess } from '@kaml-d/plugin-kaml-d-node';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import express from 'express';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { trainingRuntimeRoutes } from '../service/routes/trainingRuntimes';
import { createTrainingRuntimesService } from '../services/TrainingRuntimes';
import { rigEnv } from './rigEnv';

// The training template's runtime picker reads GET /runs/:namespace/:name/training-runtimes:
// against the rig's kube-apiserver with Kubeflow Trainer v2's CRDs and its torch-distributed
// ClusterTrainingRuntime (applied by e2e/rig/kube/trainer.sh), with the portal's identity.

jest.setTimeout(120_000);

const TRAINING = 'kaml-d-training';
const GROUP = { group: 'trainer.kubeflow.org', version: 'v1alpha1' };
const suffix = randomBytes(3).toString('hex');
const model = `rt-rig-${suffix}`;
const namespaced = `rt-rig-${suffix}-team`;

const admin = new KubeConfig();
admin.loadFromFile(rigEnv('KAML_RIG_KUBECONFIG_ADMIN'));
const custom = admin.makeApiClient(CustomObjectsApi);

function app(allow: boolean) {
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockImplementation(async reqs =>
    reqs.map(() => ({
      result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
    })),
  );
  const runtimes = createTrainingRuntimesService({
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
    permissions,
  });
  const a = express();
  a.use(trainingRuntimeRoutes({ httpAuth: mockServices.httpAuth(), runtimes }));
  a.use(mockErrorHandler());
  return a;
}

describe('training runtimes on the rig cluster', () => {
  beforeAll(async () => {
    // a TrainingRuntime of the training namespace, shaped like the cluster's torch runtime
    const torch = (await custom.getClusterCustomObject({
      ...GROUP,
      plural: 'clustertrainingruntimes',
      name: 'torch-distributed',
    })) as { spec: object; metadata: { labels?: Record<string, string> } };
    await custom.createNamespacedCustomObject({
      ...GROUP,
      namespace: TRAINING,
      plural: 'trainingruntimes',
      body: {
        apiVersion: 'trainer.kubeflow.org/v1alpha1',
        kind: 'TrainingRuntime',
        metadata: {
          name: namespaced,
          labels: { 'trainer.kubeflow.org/framework': 'torch' },
        },
        spec: torch.spec,
      },
    });
  });
  afterAll(async () => {
    await custom
      .deleteNamespacedCustomObject({
        ...GROUP,
        namespace: TRAINING,
        plural: 'trainingruntimes',
        name: namespaced,
      })
      .catch(() => undefined);
  });

  it('lists the ClusterTrainingRuntimes and the TrainingRuntimes of the model’s training namespace', async () => {
    const res = await request(app(true)).get(
      `/runs/default/${model}/training-runtimes`,
    );
    expect(res.status).toBe(200);
    expect(res.body.namespace).toBe(TRAINING);
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'torch-distributed',
          kind: 'ClusterTrainingRuntime',
        }),
        {
          name: namespaced,
          kind: 'TrainingRuntime',
          namespace: TRAINING,
          framework: 'torch',
        },
      ]),
    );
  });

  it('refuses a user who may not train the model, naming the permission, and a model not in the catalog', async () => {
    const denied = await request(app(false)).get(
      `/runs/default/${model}/training-runtimes`,
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/kaml-d\.model\.train/);
    const missing = await request(app(true)).get(
      `/runs/default/${model}-gone/training-runtimes`,
    );
    expect(missing.status).toBe(404);
  });
});
