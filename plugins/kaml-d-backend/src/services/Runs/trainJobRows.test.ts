import { V1Pod } from '@kubernetes/client-node';
import type { PartialFailure } from '@kaml-d/plugin-kaml-d-common';
import {
  CustomResource,
  findTrainJobPod,
  listModelObjects,
  RunsKubeReader,
} from './kubeReader';
import { toRunsResponse } from './rows';
import { toTrainJobRun, trainJobPodSelector } from './trainJobRows';

const START = '2026-01-01T00:00:00Z';
const NOW = Date.parse(START) + 600_000;

function trainJob(name: string, status?: object): CustomResource {
  return {
    apiVersion: 'trainer.kubeflow.org/v1alpha1',
    kind: 'TrainJob',
    metadata: {
      name,
      namespace: 'kaml-d-training',
      creationTimestamp: new Date(START),
      labels: { 'kaml-d.io/model': 'churn' },
    },
    spec: {
      runtimeRef: {
        name: 'torch-distributed',
        kind: 'ClusterTrainingRuntime',
        apiGroup: 'trainer.kubeflow.org',
      },
      trainer: {
        image: 'trainer:2',
        numNodes: 2,
        resourcesPerNode: { limits: { 'nvidia.com/gpu': '1' } },
      },
    },
    status: status as CustomResource['status'],
  };
}

function nodePod(trainJobName: string, index: number): V1Pod {
  return {
    metadata: {
      name: `${trainJobName}-node-0-${index}-abcde`,
      labels: {
        'jobset.sigs.k8s.io/jobset-name': trainJobName,
        'jobset.sigs.k8s.io/replicatedjob-name': 'node',
      },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          name: `${trainJobName}-node-0`,
          uid: 'u',
          controller: true,
        },
      ],
    },
    spec: { containers: [{ name: 'node' }] },
    status: { phase: 'Running' },
  };
}

describe('toTrainJobRun', () => {
  it('shows a running TrainJob with its runtime, child Jobs, trainer progress, pods and GPUs of all nodes', () => {
    const run = toTrainJobRun(
      trainJob('train-churn-1', {
        jobsStatus: [
          {
            name: 'node',
            active: 1,
            ready: 1,
            succeeded: 0,
            failed: 0,
            suspended: 0,
          },
        ],
        trainerStatus: {
          progressPercentage: 40,
          estimatedRemainingSeconds: 90,
        },
      }),
      [nodePod('train-churn-1', 1), nodePod('train-churn-1', 0)],
      NOW,
    );
    expect(run).toMatchObject({
      kind: 'TrainJob',
      name: 'train-churn-1',
      status: 'Running',
      message: '40%; 90s left; node: 1 active, 1 ready',
      runtime: 'ClusterTrainingRuntime torch-distributed',
      startTime: '2026-01-01T00:00:00.000Z',
      durationSeconds: 600,
      gpus: 2,
      image: 'trainer:2',
      progress: {
        percent: 40,
        estimatedRemainingSeconds: 90,
        jobs: [expect.objectContaining({ name: 'node', active: 1 })],
      },
    });
    expect(run.pods.map(p => p.name)).toEqual([
      'train-churn-1-node-0-0-abcde',
      'train-churn-1-node-0-1-abcde',
    ]);
  });

  it('ends a finished TrainJob at its terminal condition', () => {
    const run = toTrainJobRun(
      trainJob('train-churn-2', {
        conditions: [
          {
            type: 'Failed',
            status: 'True',
            reason: 'FailedJobs',
            message: 'jobset failed',
            lastTransitionTime: '2026-01-01T00:02:00Z',
          },
        ],
      }),
      [],
      NOW,
    );
    expect(run).toMatchObject({
      status: 'Failed',
      message: 'FailedJobs: jobset failed',
      completionTime: '2026-01-01T00:02:00.000Z',
      durationSeconds: 120,
    });
    expect(run.progress).toBeUndefined();
  });
});

describe('TrainJobs in the Runs answer', () => {
  it('selects the pods of the listed TrainJobs by their JobSet name, never by a name that is not a label', () => {
    expect(
      trainJobPodSelector([trainJob('b'), trainJob('a'), trainJob('x,y=z')]),
    ).toBe('jobset.sigs.k8s.io/jobset-name in (a,b)');
    expect(trainJobPodSelector([])).toBeUndefined();
  });

  it('lists TrainJobs when served, then their pods, and shows them next to the other runs', async () => {
    const calls: string[] = [];
    const kube: RunsKubeReader = {
      listJobs: async () => [],
      listPods: async (_ns, selector) => {
        calls.push(`pods ${selector}`);
        return selector.startsWith('jobset')
          ? [nodePod('train-churn-1', 0), nodePod('other', 0)]
          : [];
      },
      listDeployments: async () => [],
      podLog: async () => '',
      listCustom: async (gv, plural, ns, selector) => {
        calls.push(`${plural}.${gv} ${ns} ${selector}`);
        return plural === 'trainjobs' ? [trainJob('train-churn-1')] : [];
      },
    };
    const errors: PartialFailure[] = [];
    const objects = await listModelObjects(kube, {
      served: ['trainer.kubeflow.org/v1alpha1/trainjobs'],
      trainingNamespace: 'kaml-d-training',
      modelsNamespace: 'kaml-d-models',
      selector: 'kaml-d.io/model=churn',
      errors,
    });
    expect(calls).toEqual([
      'pods kaml-d.io/model=churn',
      'trainjobs.trainer.kubeflow.org/v1alpha1 kaml-d-training kaml-d.io/model=churn',
      'pods jobset.sigs.k8s.io/jobset-name in (train-churn-1)',
    ]);
    const answer = toRunsResponse('churn', objects, NOW, errors);
    expect(answer.runs).toHaveLength(1);
    expect(answer.runs[0]).toMatchObject({
      kind: 'TrainJob',
      status: 'Pending',
      message:
        'no status reported yet: is the Kubeflow Trainer controller running?',
    });
    expect(answer.runs[0].pods.map(p => p.name)).toEqual([
      'train-churn-1-node-0-0-abcde',
    ]);
    expect(answer.errors).toBeUndefined();
  });

  it('says when the pods of the TrainJobs could not be listed, and still shows the TrainJobs', async () => {
    const kube: RunsKubeReader = {
      listJobs: async () => [],
      listPods: async (_ns, selector) => {
        if (selector.startsWith('jobset'))
          throw new Error('HTTP 403: forbidden');
        return [];
      },
      listDeployments: async () => [],
      podLog: async () => '',
      listCustom: async (_gv, plural) =>
        plural === 'trainjobs' ? [trainJob('train-churn-1')] : [],
    };
    const errors: PartialFailure[] = [];
    const objects = await listModelObjects(kube, {
      served: ['trainer.kubeflow.org/v1alpha1/trainjobs'],
      trainingNamespace: 'kaml-d-training',
      modelsNamespace: 'kaml-d-models',
      selector: 'kaml-d.io/model=churn',
      errors,
    });
    const answer = toRunsResponse('churn', objects, NOW, errors);
    expect(answer.runs.map(r => r.kind)).toEqual(['TrainJob']);
    expect(answer.errors).toEqual([
      {
        source: 'kubernetes',
        name: 'pods of TrainJobs',
        message: 'HTTP 403: forbidden',
      },
    ]);
  });
});

describe('findTrainJobPod', () => {
  it("finds a pod of one of the model's TrainJobs by name, and no other pod", async () => {
    const calls: string[] = [];
    const kube: RunsKubeReader = {
      listJobs: async () => [],
      listPods: async (_ns, selector, field) => {
        calls.push(`${selector} ${field}`);
        return field === 'metadata.name=train-churn-1-node-0-0-abcde'
          ? [nodePod('train-churn-1', 0)]
          : [];
      },
      listDeployments: async () => [],
      podLog: async () => '',
      listCustom: async () => [trainJob('train-churn-1')],
    };
    const options = {
      served: ['trainer.kubeflow.org/v1alpha1/trainjobs'],
      namespace: 'kaml-d-training',
      selector: 'kaml-d.io/model=churn',
    };
    const found = await findTrainJobPod(kube, {
      ...options,
      pod: 'train-churn-1-node-0-0-abcde',
    });
    expect(found?.metadata?.name).toBe('train-churn-1-node-0-0-abcde');
    expect(calls).toEqual([
      'jobset.sigs.k8s.io/jobset-name in (train-churn-1) metadata.name=train-churn-1-node-0-0-abcde',
    ]);
    expect(
      await findTrainJobPod(kube, { ...options, pod: 'someone-else' }),
    ).toBeUndefined();
    expect(
      await findTrainJobPod(kube, { ...options, served: [], pod: 'x' }),
    ).toBeUndefined();
  });
});
