import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  KubeConfig,
  V1Deployment,
  V1Job,
  V1Pod,
} from '@kubernetes/client-node';
import { createRunsService } from './createRunsService';
import {
  CustomResource,
  RUN_CUSTOM_RESOURCES,
  RunsKubeReader,
} from './kubeReader';
import { CacheManager } from '@backstage/backend-defaults/cache';

const cluster = {
  // the tests hand the service their own reader; the client configuration is never used
  kubeConfig: new KubeConfig(),
  trainingNamespace: 'train-ns',
  modelsNamespace: 'models-ns',
};
const model = (name: string) => ({
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Model',
  metadata: { name, namespace: 'default' },
  spec: {},
});

const CONDITIONS = {
  done: () => [{ type: 'Complete', status: 'True' }],
  failed: (start: Date) => [
    {
      type: 'Failed',
      status: 'True',
      lastTransitionTime: new Date(start.getTime() + 30_000),
    },
  ],
  running: () => [],
};

function job(i: number, state: 'done' | 'failed' | 'running'): V1Job {
  const start = new Date(Date.UTC(2026, 0, 1, 0, i));
  return {
    metadata: { name: `churn-${i}`, namespace: 'train-ns' },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'train',
              image: 'img:1',
              resources: { limits: { 'nvidia.com/gpu': '2' } },
            },
          ],
        },
      },
    },
    status: {
      startTime: start,
      completionTime:
        state === 'done' ? new Date(start.getTime() + 90_000) : undefined,
      active: state === 'running' ? 1 : 0,
      conditions: CONDITIONS[state](start),
    },
  } as V1Job;
}
function pod(jobIndex: number, k: number, restarted = false): V1Pod {
  return {
    metadata: {
      name: `churn-${jobIndex}-${k}`,
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          name: `churn-${jobIndex}`,
          uid: `uid-${jobIndex}`,
          controller: true,
        },
      ],
    },
    spec: { containers: [{ name: 'train' }, { name: 'sidecar' }] },
    status: {
      phase: 'Succeeded',
      containerStatuses: [
        {
          name: 'train',
          image: 'trainer:1',
          imageID: '',
          ready: false,
          restartCount: restarted ? 1 : 0,
          lastState: restarted ? { terminated: { exitCode: 1 } } : {},
        },
      ],
    },
  };
}

function fakeReader(jobs: V1Job[], pods: V1Pod[], deployments: V1Deployment[]) {
  const calls: string[] = [];
  const reader: RunsKubeReader = {
    listJobs: async (ns, sel) => {
      calls.push(`jobs ${ns} ${sel}`);
      return jobs;
    },
    listPods: async (ns, sel, field) => {
      calls.push(`pods ${ns} ${sel}${field ? ` ${field}` : ''}`);
      return field
        ? pods.filter(p => `metadata.name=${p.metadata?.name}` === field)
        : pods;
    },
    listDeployments: async (ns, sel) => {
      calls.push(`deployments ${ns} ${sel}`);
      return deployments;
    },
    podLog: async o => {
      calls.push(`log ${o.pod} ${o.container} ${o.previous} ${o.tailLines}`);
      return 'epoch 1 loss 0.4\n';
    },
  };
  return { reader, calls };
}

const credentials = mockCredentials.user('user:default/alice');
const ref = { kind: 'model', namespace: 'default', name: 'churn' };

describe('RunsService', () => {
  it('reads 200 Jobs and 2,000 pods in three label-selected lists and groups pods by Job', async () => {
    const jobs = Array.from({ length: 200 }, (_, i) =>
      job(i, ({ 199: 'running', 198: 'failed' } as const)[i] ?? 'done'),
    );
    const pods = jobs.flatMap((_, i) =>
      Array.from({ length: 10 }, (__, k) => pod(i, k, i === 0 && k === 0)),
    );
    const deployments: V1Deployment[] = [
      {
        metadata: {
          name: 'churn',
          namespace: 'models-ns',
          labels: {
            'app.kubernetes.io/name': 'churn',
            'kaml-d.io/model-version': 'v3',
            'kaml-d.io/track': 'stable',
          },
        },
        spec: {
          replicas: 3,
          selector: { matchLabels: { 'app.kubernetes.io/name': 'churn' } },
          template: {},
        },
        status: { readyReplicas: 2 },
      },
    ];
    const { reader, calls } = fakeReader(jobs, pods, deployments);
    const service = createRunsService({
      cluster,
      reader,
      catalog: catalogServiceMock({ entities: [model('churn')] }),
      cache: memoryCache(),
      now: () => Date.UTC(2026, 0, 1, 4, 0),
    });
    const answer = await service.runs(ref, credentials);
    expect(calls.sort()).toEqual([
      'deployments models-ns kaml-d.io/model=churn',
      'jobs train-ns kaml-d.io/model=churn',
      'pods train-ns kaml-d.io/model=churn',
    ]);
    expect(answer.runs).toHaveLength(200);
    // newest first
    expect(answer.runs[0]).toMatchObject({
      name: 'churn-199',
      status: 'Running',
      gpus: 2,
    });
    expect(answer.runs[0].durationSeconds).toBe(4 * 3600 - 199 * 60);
    expect(answer.runs[1]).toMatchObject({
      name: 'churn-198',
      status: 'Failed',
      durationSeconds: 30,
    });
    const first = answer.runs.find(r => r.name === 'churn-0')!;
    expect(first).toMatchObject({
      status: 'Succeeded',
      durationSeconds: 90,
      image: 'img:1',
    });
    expect(first.pods).toHaveLength(10);
    expect(first.pods[0]).toMatchObject({
      name: 'churn-0-0',
      restarts: 1,
      hasPrevious: true,
      containers: ['train', 'sidecar'],
    });
    expect(answer.deployments).toEqual([
      {
        kind: 'Deployment',
        name: 'churn',
        namespace: 'models-ns',
        version: 'v3',
        track: 'stable',
        desiredReplicas: 3,
        readyReplicas: 2,
        endpoint: 'http://churn.models-ns.svc.cluster.local',
      },
    ]);

    // warm: served from the cache, no request to the API server
    calls.length = 0;
    await service.runs(ref, credentials);
    expect(calls).toEqual([]);
  });

  it('answers 404 when the catalog does not let the caller read the model, before any Kubernetes call', async () => {
    const { reader, calls } = fakeReader([], [], []);
    const service = createRunsService({
      cluster,
      reader,
      catalog: catalogServiceMock({ entities: [] }),
      cache: memoryCache(),
    });
    await expect(service.runs(ref, credentials)).rejects.toThrow(
      'No model model:default/churn in the catalog',
    );
    expect(calls).toEqual([]);
  });

  it('refuses a model whose name cannot be a label value', async () => {
    const { reader, calls } = fakeReader([], [], []);
    const name = 'x'.repeat(64);
    const service = createRunsService({
      cluster,
      reader,
      catalog: catalogServiceMock({ entities: [model(name)] }),
      cache: memoryCache(),
    });
    await expect(service.runs({ ...ref, name }, credentials)).rejects.toThrow(
      /is not a Kubernetes label value/,
    );
    expect(calls).toEqual([]);
  });

  it('reports an unreachable cluster as data and does not cache it', async () => {
    let fail = true;
    const { reader } = fakeReader([job(1, 'done')], [], []);
    const service = createRunsService({
      cluster,
      reader: {
        ...reader,
        listJobs: async (ns, sel) => {
          if (fail) throw new Error('connect ECONNREFUSED');
          return reader.listJobs(ns, sel);
        },
      },
      catalog: catalogServiceMock({ entities: [model('churn')] }),
      cache: memoryCache(),
    });
    const down = await service.runs(ref, credentials);
    expect(down.error).toMatch(/unreachable or refused: connect ECONNREFUSED/);
    fail = false;
    const up = await service.runs(ref, credentials);
    expect(up.error).toBeUndefined();
    expect(up.runs.map(r => r.name)).toEqual(['churn-1']);
  });

  it("reads a project's model from the project's namespace, for runs and logs", async () => {
    const { reader, calls } = fakeReader([], [pod(0, 0, true)], []);
    const service = createRunsService({
      cluster,
      reader,
      catalog: catalogServiceMock({
        entities: [
          { ...model('churn'), spec: { system: 'retention' } },
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'System',
            metadata: {
              name: 'retention',
              namespace: 'default',
              annotations: { 'kaml-d.io/namespace': 'team-retention' },
            },
            spec: {},
          },
        ],
      }),
      cache: memoryCache(),
    });
    await service.runs(ref, credentials);
    await service.logs(
      ref,
      { pod: pod(0, 0, true).metadata!.name!, previous: false, tailLines: 10 },
      credentials,
    );
    expect(calls.filter(c => !c.startsWith('log')).sort()).toEqual([
      'deployments team-retention kaml-d.io/model=churn',
      'jobs team-retention kaml-d.io/model=churn',
      'pods team-retention kaml-d.io/model=churn',
      `pods team-retention kaml-d.io/model=churn metadata.name=${
        pod(0, 0, true).metadata!.name
      }`,
    ]);
  });

  it('says what to configure when no cluster is set', async () => {
    const service = createRunsService({
      cluster: undefined,
      catalog: catalogServiceMock({ entities: [model('churn')] }),
      cache: memoryCache(),
    });
    await expect(service.runs(ref, credentials)).rejects.toThrow(
      /configure the cluster for the Kubernetes plugin \(kubernetes.clusterLocatorMethods, .*\) and set kamlD.workloadCluster to its name/,
    );
  });

  it('reads logs only of the model’s own pods and containers, with the previous container option', async () => {
    const { reader, calls } = fakeReader([], [pod(0, 0, true)], []);
    const service = createRunsService({
      cluster,
      reader,
      catalog: catalogServiceMock({ entities: [model('churn')] }),
      cache: memoryCache(),
    });
    const log = await service.logs(
      ref,
      { pod: 'churn-0-0', previous: true, tailLines: 50 },
      credentials,
    );
    expect(log).toEqual({
      pod: 'churn-0-0',
      container: 'train',
      text: 'epoch 1 loss 0.4\n',
    });
    expect(calls).toEqual([
      'pods train-ns kaml-d.io/model=churn metadata.name=churn-0-0',
      'log churn-0-0 train true 50',
    ]);
    await expect(
      service.logs(
        ref,
        { pod: 'other', previous: false, tailLines: 5 },
        credentials,
      ),
    ).rejects.toThrow('Pod other is not a training pod of model churn');
    await expect(
      service.logs(
        ref,
        { pod: 'churn-0-0', container: 'nope', previous: false, tailLines: 5 },
        credentials,
      ),
    ).rejects.toThrow('use one of train, sidecar');
  });
});

describe('RunsService custom resources', () => {
  const tfjob: CustomResource = {
    apiVersion: 'kubeflow.org/v1',
    kind: 'TFJob',
    metadata: { name: 'train-tf', namespace: 'train-ns' },
    spec: {
      tfReplicaSpecs: {
        Worker: {
          replicas: 2,
          template: {
            spec: {
              containers: [
                {
                  name: 'tensorflow',
                  image: 'tf:2',
                  resources: { limits: { 'nvidia.com/gpu': '1' } },
                },
              ],
            },
          },
        },
      },
    },
    status: {
      startTime: '2026-01-01T00:00:00Z',
      completionTime: '2026-01-01T00:02:00Z',
      conditions: [
        { type: 'Running', status: 'False' },
        { type: 'Succeeded', status: 'True', reason: 'TFJobSucceeded' },
      ],
    },
  };
  const pytorchjob: CustomResource = {
    apiVersion: 'kubeflow.org/v1',
    kind: 'PyTorchJob',
    metadata: { name: 'train-pt', namespace: 'train-ns' },
    spec: { pytorchReplicaSpecs: { Master: { replicas: 1, template: {} } } },
    status: {
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          reason: 'PyTorchJobFailed',
          message: 'master-0 exited 1',
        },
      ],
    },
  };
  const isvc: CustomResource = {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      name: 'churn',
      namespace: 'models-ns',
      labels: { 'kaml-d.io/model-version': 'v4' },
    },
    spec: { predictor: { minReplicas: 2, canaryTrafficPercent: 10 } },
    status: {
      url: 'http://churn.models-ns.example.com',
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };

  function withCustom(
    served: string[],
    items: Record<string, CustomResource[]>,
    failing: string[] = [],
  ) {
    const base = fakeReader(
      [],
      [
        {
          metadata: {
            name: 'train-tf-worker-0',
            namespace: 'train-ns',
            labels: { 'training.kubeflow.org/job-name': 'train-tf' },
          },
          spec: { containers: [{ name: 'tensorflow' }] },
          status: { phase: 'Succeeded' },
        },
      ],
      [],
    );
    const reader: RunsKubeReader = {
      ...base.reader,
      servedResources: async wanted => {
        base.calls.push('discovery');
        return wanted.filter(w => served.includes(w));
      },
      listCustom: async (_gv, plural, ns, sel) => {
        base.calls.push(`${plural} ${ns} ${sel}`);
        if (failing.includes(plural)) {
          // as the Kubernetes client's ApiException carries it
          throw Object.assign(new Error(`HTTP 403 ${plural} is forbidden`), {
            code: 403,
          });
        }
        return items[plural] ?? [];
      },
    };
    return { reader, calls: base.calls };
  }

  it('lists served TFJobs, PyTorchJobs and InferenceServices with their conditions interpreted, in 3 + N lists', async () => {
    const { reader, calls } = withCustom(RUN_CUSTOM_RESOURCES, {
      tfjobs: [tfjob],
      pytorchjobs: [pytorchjob],
      inferenceservices: [isvc],
    });
    const service = createRunsService({
      cluster,
      reader,
      catalog: catalogServiceMock({ entities: [model('churn')] }),
      cache: memoryCache(),
      now: () => Date.UTC(2026, 0, 1, 4, 0),
    });
    const answer = await service.runs(ref, credentials);
    expect(calls.filter(c => c !== 'discovery').sort()).toEqual([
      'deployments models-ns kaml-d.io/model=churn',
      'inferenceservices models-ns kaml-d.io/model=churn',
      'jobs train-ns kaml-d.io/model=churn',
      'pods train-ns kaml-d.io/model=churn',
      'pytorchjobs train-ns kaml-d.io/model=churn',
      'tfjobs train-ns kaml-d.io/model=churn',
      'trainjobs train-ns kaml-d.io/model=churn',
    ]);
    expect(answer.errors).toBeUndefined();
    const tf = answer.runs.find(r => r.name === 'train-tf')!;
    expect(tf).toMatchObject({
      kind: 'TFJob',
      status: 'Succeeded',
      message: 'TFJobSucceeded',
      durationSeconds: 120,
      gpus: 2,
      image: 'tf:2',
    });
    expect(tf.pods.map(p => p.name)).toEqual(['train-tf-worker-0']);
    expect(answer.runs.find(r => r.name === 'train-pt')).toMatchObject({
      kind: 'PyTorchJob',
      status: 'Failed',
      message: 'PyTorchJobFailed: master-0 exited 1',
    });
    expect(answer.deployments).toEqual([
      {
        kind: 'InferenceService',
        name: 'churn',
        namespace: 'models-ns',
        version: 'v4',
        status: 'Ready',
        message: 'Ready',
        canaryTrafficPercent: 10,
        desiredReplicas: 2,
        readyReplicas: 2,
        endpoint: 'http://churn.models-ns.example.com',
      },
    ]);
  });

  it('lists no custom resource whose CRD is not served, and discovers once per minute', async () => {
    const { reader, calls } = withCustom([], {});
    const service = createRunsService({
      cluster,
      reader,
      catalog: catalogServiceMock({ entities: [model('churn')] }),
      cache: memoryCache(),
      cacheSeconds: 0.001,
    });
    await service.runs(ref, credentials);
    await new Promise(r => setTimeout(r, 20));
    await service.runs(ref, credentials);
    expect(calls.filter(c => c === 'discovery')).toHaveLength(1);
    expect(
      calls.filter(c => /^(tfjobs|pytorchjobs|inferenceservices) /.test(c)),
    ).toEqual([]);
  });

  it('shows what loaded and names the list that failed (not cached)', async () => {
    const { reader, calls } = withCustom(
      RUN_CUSTOM_RESOURCES,
      { tfjobs: [tfjob] },
      ['pytorchjobs'],
    );
    const service = createRunsService({
      cluster,
      reader,
      catalog: catalogServiceMock({ entities: [model('churn')] }),
      cache: memoryCache(),
    });
    const answer = await service.runs(ref, credentials);
    expect(answer.runs.map(r => r.name)).toEqual(['train-tf']);
    expect(answer.errors).toEqual([
      {
        source: 'kubernetes',
        name: 'pytorchjobs.kubeflow.org',
        statusCode: 403,
        message: 'HTTP 403 pytorchjobs is forbidden',
      },
    ]);
    calls.length = 0;
    await service.runs(ref, credentials);
    expect(calls).toContain('pytorchjobs train-ns kaml-d.io/model=churn');
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
