// The Runs answer with Kubeflow Trainer v2 TrainJobs, against the rig's API server with the
// upstream CRDs (github.com/kubeflow/trainer/v2 v2.0.0, applied by the rig's kube_post_start,
// e2e/rig/kube/trainer.sh). The Trainer controller does not run on the rig: as admin, the test
// creates a TrainJob labelled with its model as the launch action does, pods labelled as the
// JobSet controller labels them (kwok runs them and serves their log), and writes the status the
// controller writes; the Runs service reads it all with the portal's ServiceAccount.
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { readKamlDClusterAccess } from '@kaml-d/plugin-kaml-d-node';
import { createRunsService } from '../services/Runs';
import { rigEnv } from './rigEnv';

jest.setTimeout(120_000);

const TRAINING = 'kaml-d-training';
const suffix = randomBytes(3).toString('hex');
const model = `runs-tj-${suffix}`;
const name = `train-runs-tj-${suffix}`;
const TRAINJOBS = {
  group: 'trainer.kubeflow.org',
  version: 'v1alpha1',
  plural: 'trainjobs',
};

const admin = new KubeConfig();
admin.loadFromFile(rigEnv('KAML_RIG_KUBECONFIG_ADMIN'));
const custom = admin.makeApiClient(CustomObjectsApi);
const core = admin.makeApiClient(CoreV1Api);
const ref = { kind: 'model', namespace: 'default', name: model };

function runsService() {
  return createRunsService({
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
    // every call reads the cluster
    cacheSeconds: 0.001,
  });
}

async function setStatus(status: object) {
  const current = (await custom.getNamespacedCustomObject({
    ...TRAINJOBS,
    namespace: TRAINING,
    name,
  })) as Record<string, unknown>;
  await custom.replaceNamespacedCustomObjectStatus({
    ...TRAINJOBS,
    namespace: TRAINING,
    name,
    body: { ...current, status },
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

afterAll(async () => {
  await core
    .deleteCollectionNamespacedPod({
      namespace: TRAINING,
      labelSelector: `jobset.sigs.k8s.io/jobset-name=${name}`,
    })
    .catch(() => undefined);
  await custom
    .deleteNamespacedCustomObject({ ...TRAINJOBS, namespace: TRAINING, name })
    .catch(() => undefined);
});

describe('Runs answer with Kubeflow Trainer TrainJobs on the rig cluster', () => {
  it('shows a TrainJob with its runtime, child Jobs, pods found by the JobSet label, their logs, then Complete', async () => {
    const labels = { 'kaml-d.io/model': model };
    await custom.createNamespacedCustomObject({
      ...TRAINJOBS,
      namespace: TRAINING,
      body: {
        apiVersion: 'trainer.kubeflow.org/v1alpha1',
        kind: 'TrainJob',
        metadata: { name, labels },
        spec: {
          runtimeRef: { name: 'torch-distributed' },
          trainer: {
            image: 'kaml-d/trainer:rig',
            numNodes: 2,
            resourcesPerNode: { limits: { 'nvidia.com/gpu': '1' } },
          },
          labels,
        },
      },
    });
    const service = runsService();
    const credentials = mockCredentials.user('user:default/alice');
    const pending = await service.runs(ref, credentials);
    expect(pending.errors).toBeUndefined();
    expect(pending.runs).toEqual([
      expect.objectContaining({
        kind: 'TrainJob',
        name,
        status: 'Pending',
        // runtimeRef.kind defaulted by the upstream CRD schema
        runtime: 'ClusterTrainingRuntime torch-distributed',
        gpus: 2,
        image: 'kaml-d/trainer:rig',
        pods: [],
      }),
    ]);

    // the JobSet controller's pods (not labelled with the model) and the Trainer's jobsStatus
    for (const index of [0, 1]) {
      await core.createNamespacedPod({
        namespace: TRAINING,
        body: {
          metadata: {
            name: `${name}-node-0-${index}-xyz12`,
            labels: {
              'jobset.sigs.k8s.io/jobset-name': name,
              'jobset.sigs.k8s.io/replicatedjob-name': 'node',
              'batch.kubernetes.io/job-name': `${name}-node-0`,
            },
          },
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: 'node', image: 'kaml-d/trainer:rig' }],
          },
        },
      });
    }
    await setStatus({
      jobsStatus: [
        {
          name: 'node',
          ready: 1,
          succeeded: 0,
          failed: 0,
          active: 1,
          suspended: 0,
        },
      ],
    });
    const running = await until('both pods Running in the answer', async () => {
      const answer = await service.runs(ref, credentials);
      const pods = answer.runs[0]?.pods ?? [];
      return pods.length === 2 && pods.every(p => p.phase === 'Running')
        ? answer
        : undefined;
    });
    expect(running.runs[0]).toMatchObject({
      status: 'Running',
      message: 'node: 1 active, 1 ready',
      progress: {
        jobs: [
          {
            name: 'node',
            active: 1,
            ready: 1,
            succeeded: 0,
            failed: 0,
            suspended: 0,
          },
        ],
      },
    });
    expect(running.runs[0].pods.map(p => [p.name, p.containers])).toEqual([
      [`${name}-node-0-0-xyz12`, ['node']],
      [`${name}-node-0-1-xyz12`, ['node']],
    ]);

    // the log of a TrainJob pod, though it carries no model label
    const log = await service.logs(
      ref,
      { pod: `${name}-node-0-1-xyz12`, previous: false, tailLines: 50 },
      credentials,
    );
    expect(log.container).toBe('node');
    expect(log.text).toContain('kaml-d simulated container started');
    // a pod of no TrainJob of this model is refused
    await expect(
      service.logs(
        ref,
        { pod: 'kube-apiserver', previous: false, tailLines: 5 },
        credentials,
      ),
    ).rejects.toThrow(
      `Pod kube-apiserver is not a training pod of model ${model}`,
    );

    await setStatus({
      conditions: [
        {
          type: 'Complete',
          status: 'True',
          reason: 'AllJobsCompleted',
          message: 'jobset completed successfully',
          lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        },
      ],
      jobsStatus: [
        {
          name: 'node',
          ready: 0,
          succeeded: 1,
          failed: 0,
          active: 0,
          suspended: 0,
        },
      ],
    });
    const done = await until(
      'the Complete condition in the answer',
      async () => {
        const answer = await service.runs(ref, credentials);
        return answer.runs[0]?.status === 'Succeeded' ? answer : undefined;
      },
    );
    expect(done.runs[0]).toMatchObject({
      status: 'Succeeded',
      message: 'AllJobsCompleted: jobset completed successfully',
      progress: { jobs: [expect.objectContaining({ succeeded: 1 })] },
    });
    expect(done.runs[0].completionTime).toBeDefined();
    expect(done.runs[0].durationSeconds).toBeGreaterThanOrEqual(0);
  });
});
