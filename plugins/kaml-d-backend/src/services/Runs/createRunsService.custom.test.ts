import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createRunsService } from './createRunsService';
import {
  CustomResource,
  RUN_CUSTOM_RESOURCES,
  RunsKubeReader,
} from './kubeReader';
import {
  cluster,
  credentials,
  fakeReader,
  memoryCache,
  model,
  ref,
} from '../../__testUtils__/runs';

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
