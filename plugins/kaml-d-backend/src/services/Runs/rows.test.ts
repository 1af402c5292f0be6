import { V1Deployment, V1Job, V1Pod } from '@kubernetes/client-node';
import type { PartialFailure } from '@kaml-d/plugin-kaml-d-common';
import { CustomResource } from './kubeReader';
import {
  jobOfPod,
  toDeployment,
  toInferenceService,
  toOperatorRun,
  toRunsResponse,
} from './rows';
import { toRun } from './jobRows';

const START = new Date('2026-01-01T00:00:00Z');
const NOW = START.getTime() + 600_000;

function job(
  overrides: Partial<V1Job['status']> = {},
  name = 'churn-1',
): V1Job {
  return {
    metadata: { name, namespace: 'train-ns' },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'train',
              image: 'img:1',
              resources: { limits: { 'nvidia.com/gpu': '2' } },
            },
            {
              name: 'sidecar',
              resources: { requests: { 'nvidia.com/gpu': '1' } },
            },
          ],
        },
      },
    },
    status: { startTime: START, ...overrides },
  };
}

function pod(
  name: string,
  owner: { kind: string; name: string } | undefined,
  labels: Record<string, string> = {},
): V1Pod {
  return {
    metadata: {
      name,
      labels,
      ownerReferences: owner
        ? [{ ...owner, apiVersion: 'v1', uid: 'u', controller: true }]
        : [],
    },
    spec: { containers: [{ name: 'train' }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'train',
          image: 'img:1',
          imageID: '',
          ready: true,
          restartCount: 2,
          lastState: { terminated: { exitCode: 1 } },
        },
      ],
    },
  };
}

describe('toRun', () => {
  it('reads a finished Job: status, duration, GPUs of every container, image', () => {
    const run = toRun(
      job({
        completionTime: new Date(START.getTime() + 90_000),
        conditions: [{ type: 'Complete', status: 'True' }],
      }),
      [],
      NOW,
    );
    expect(run).toMatchObject({
      kind: 'Job',
      name: 'churn-1',
      namespace: 'train-ns',
      status: 'Succeeded',
      startTime: '2026-01-01T00:00:00.000Z',
      completionTime: '2026-01-01T00:01:30.000Z',
      durationSeconds: 90,
      gpus: 3,
      image: 'img:1',
    });
  });

  it('ends a failed Job at the time its Failed condition turned true', () => {
    const run = toRun(
      job({
        conditions: [
          {
            type: 'Failed',
            status: 'True',
            lastTransitionTime: new Date(START.getTime() + 30_000),
          },
        ],
      }),
      [],
      NOW,
    );
    expect(run.status).toBe('Failed');
    expect(run.completionTime).toBe('2026-01-01T00:00:30.000Z');
    expect(run.durationSeconds).toBe(30);
  });

  it('counts a running Job up to now and lists its pods by name with restarts', () => {
    const run = toRun(
      job({ active: 1 }),
      [pod('churn-1-b', undefined), pod('churn-1-a', undefined)],
      NOW,
    );
    expect(run.status).toBe('Running');
    expect(run.durationSeconds).toBe(600);
    expect(run.pods).toEqual([
      {
        name: 'churn-1-a',
        phase: 'Running',
        containers: ['train'],
        restarts: 2,
        hasPrevious: true,
      },
      expect.objectContaining({ name: 'churn-1-b' }),
    ]);
  });

  it('calls a Job without active pods or conditions pending', () => {
    expect(toRun(job(), [], NOW).status).toBe('Pending');
  });
});

describe('jobOfPod', () => {
  it('takes the controller owner, else the job-name labels', () => {
    expect(jobOfPod(pod('p', { kind: 'Job', name: 'a' }))).toBe('a');
    expect(jobOfPod(pod('p', { kind: 'PyTorchJob', name: 'b' }))).toBe('b');
    expect(
      jobOfPod(
        pod('p', { kind: 'ReplicaSet', name: 'rs' }, { 'job-name': 'c' }),
      ),
    ).toBe('c');
    expect(
      jobOfPod(pod('p', undefined, { 'training.kubeflow.org/job-name': 'd' })),
    ).toBe('d');
    expect(jobOfPod(pod('p', undefined))).toBeUndefined();
  });
});

describe('toDeployment', () => {
  it('names the endpoint after the Service and reads version and track labels', () => {
    const d: V1Deployment = {
      metadata: {
        name: 'churn-canary',
        namespace: 'models-ns',
        labels: {
          'app.kubernetes.io/name': 'churn',
          'kaml-d.io/model-version': '3',
          'kaml-d.io/track': 'canary',
        },
      },
      spec: { replicas: 2 } as V1Deployment['spec'],
      status: { readyReplicas: 1 },
    };
    expect(toDeployment(d)).toEqual({
      kind: 'Deployment',
      name: 'churn-canary',
      namespace: 'models-ns',
      version: '3',
      track: 'canary',
      desiredReplicas: 2,
      readyReplicas: 1,
      endpoint: 'http://churn.models-ns.svc.cluster.local',
    });
  });
});

describe('toOperatorRun', () => {
  const template = {
    spec: {
      containers: [
        { name: 'pytorch', resources: { limits: { 'nvidia.com/gpu': 1 } } },
      ],
    },
  };
  it('multiplies GPUs by replicas and explains a failure from its condition', () => {
    const resource: CustomResource = {
      metadata: { name: 'pt-1', namespace: 'train-ns' },
      spec: {
        pytorchReplicaSpecs: {
          Master: { replicas: 1, template },
          Worker: { replicas: 3, template },
        },
      },
      status: {
        startTime: '2026-01-01T00:00:00Z',
        conditions: [
          {
            type: 'Failed',
            status: 'True',
            reason: 'OOMKilled',
            message: 'worker 2 ran out of memory',
            lastTransitionTime: '2026-01-01T00:02:00Z',
          },
        ],
      },
    };
    expect(toOperatorRun('PyTorchJob', resource, [], NOW)).toMatchObject({
      kind: 'PyTorchJob',
      name: 'pt-1',
      status: 'Failed',
      message: 'OOMKilled: worker 2 ran out of memory',
      completionTime: '2026-01-01T00:02:00.000Z',
      durationSeconds: 120,
      gpus: 4,
    });
  });
});

describe('toInferenceService', () => {
  it('is ready with its URL, or names the predictor Service when it has none', () => {
    const ready = toInferenceService({
      metadata: {
        name: 'churn',
        namespace: 'models-ns',
        labels: { 'kaml-d.io/model-version': '2' },
      },
      spec: { predictor: { minReplicas: 2, canaryTrafficPercent: 10 } },
      status: {
        url: 'http://churn.example.com',
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });
    expect(ready).toMatchObject({
      kind: 'InferenceService',
      version: '2',
      status: 'Ready',
      canaryTrafficPercent: 10,
      desiredReplicas: 2,
      readyReplicas: 2,
      endpoint: 'http://churn.example.com',
    });

    const pending = toInferenceService({
      metadata: { name: 'churn', namespace: 'models-ns' },
      status: {},
    });
    expect(pending).toMatchObject({ status: 'Unknown', readyReplicas: 0 });
    expect(pending).not.toHaveProperty('canaryTrafficPercent');
    expect(pending.endpoint).toBe(
      'http://churn-predictor.models-ns.svc.cluster.local',
    );
  });
});

describe('toRunsResponse', () => {
  it('gives each run its own pods, newest first with unstarted runs last, deployments by name', () => {
    const older = job({}, 'churn-1');
    const newer = job(
      { startTime: new Date(START.getTime() + 60_000) },
      'churn-2',
    );
    const unstarted = job({ startTime: undefined }, 'churn-3');
    const answer = toRunsResponse(
      'churn',
      {
        jobs: [older, unstarted, newer],
        pods: [
          pod('churn-2-x', { kind: 'Job', name: 'churn-2' }),
          pod('stray', undefined),
        ],
        deployments: [{ metadata: { name: 'zeta', namespace: 'm' } }],
        tfjobs: [],
        pytorchjobs: [],
        inferenceServices: [{ metadata: { name: 'alpha', namespace: 'm' } }],
      },
      NOW,
      [],
    );
    expect(answer.runs.map(r => [r.name, r.pods.map(p => p.name)])).toEqual([
      ['churn-2', ['churn-2-x']],
      ['churn-1', []],
      ['churn-3', []],
    ]);
    expect(answer.deployments.map(d => d.name)).toEqual(['alpha', 'zeta']);
    expect(answer).not.toHaveProperty('errors');
  });

  it('keeps the failed lists beside what loaded', () => {
    const errors: PartialFailure[] = [
      {
        source: 'kubernetes',
        name: 'tfjobs.kubeflow.org',
        statusCode: 403,
        message: 'HTTP 403',
      },
    ];
    const answer = toRunsResponse(
      'churn',
      {
        jobs: [],
        pods: [],
        deployments: [],
        tfjobs: [],
        pytorchjobs: [],
        inferenceServices: [],
      },
      NOW,
      errors,
    );
    expect(answer.errors).toEqual(errors);
  });
});
