import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { BatchV1Api, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { readKamlDClusterAccess } from '@kaml-d/plugin-kaml-d-node';
import { createRunsService } from '../services/Runs';
import { rigClusterConfig } from './rigCluster';
import { rigEnv } from './rigEnv';
import { CacheManager } from '@backstage/backend-defaults/cache';

const NAMESPACE = 'kaml-d-training';
// a model of this test's own, so no other test's runs are seen
const model = `runs-rig-${randomBytes(3).toString('hex')}`;
const jobName = `${model}-train`;

describe('Runs tab against the rig kube-apiserver (kwok completes the pods)', () => {
  const cluster = readKamlDClusterAccess(new ConfigReader(rigClusterConfig()));
  const service = createRunsService({
    cluster,
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
    // 1 s so polling sees the pod progress
    cache: memoryCache(),
    cacheSeconds: 1,
  });
  const admin = new KubeConfig();
  admin.loadFromFile(rigEnv('KAML_RIG_KUBECONFIG_ADMIN'));
  const batch = admin.makeApiClient(BatchV1Api);
  const credentials = mockCredentials.user('user:default/alice');

  afterAll(async () => {
    await batch
      .deleteNamespacedJob({
        name: jobName,
        namespace: NAMESPACE,
        propagationPolicy: 'Background',
      })
      .catch(() => undefined);
  });

  it('shows a launched Job as Succeeded with its duration, GPUs and pod', async () => {
    const labels = { 'kaml-d.io/model': model };
    await batch.createNamespacedJob({
      namespace: NAMESPACE,
      body: {
        metadata: { name: jobName, labels },
        spec: {
          backoffLimit: 0,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'Never',
              containers: [
                {
                  name: 'train',
                  image: 'registry.invalid/train:1',
                  resources: {
                    requests: {
                      cpu: '1',
                      memory: '1Gi',
                      'nvidia.com/gpu': '1',
                    },
                    limits: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' },
                  },
                },
              ],
            },
          },
        },
      },
    });
    const ref = { kind: 'model', namespace: 'default', name: model };
    let answer = await service.runs(ref, credentials);
    const deadline = Date.now() + 60_000;
    while (answer.runs[0]?.status !== 'Succeeded' && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 1000));
      answer = await service.runs(ref, credentials);
    }
    expect(answer.error).toBeUndefined();
    expect(answer.runs).toHaveLength(1);
    const run = answer.runs[0];
    expect(run).toMatchObject({
      name: jobName,
      namespace: NAMESPACE,
      status: 'Succeeded',
      gpus: 1,
      image: 'registry.invalid/train:1',
    });
    expect(run.startTime).toBeDefined();
    expect(run.completionTime).toBeDefined();
    expect(run.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(run.pods).toHaveLength(1);
    expect(run.pods[0]).toMatchObject({
      phase: 'Succeeded',
      containers: ['train'],
    });
  }, 90_000);

  it('refuses a pod of another model on the logs route', async () => {
    await expect(
      service.logs(
        { kind: 'model', namespace: 'default', name: model },
        { pod: 'someone-elses-pod', previous: false, tailLines: 10 },
        credentials,
      ),
    ).rejects.toThrow(/is not a training pod of model/);
  });
});

/** Backstage's own in-memory cache, as a backend configured with `backend.cache.store: memory` gets. */
function memoryCache() {
  return CacheManager.fromConfig(
    mockServices.rootConfig({
      data: { backend: { cache: { store: 'memory' } } },
    }),
  ).forPlugin('kaml-d');
}
