import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { CacheManager } from '@backstage/backend-defaults/cache';
import {
  KubeConfig,
  V1Deployment,
  V1Job,
  V1Pod,
} from '@kubernetes/client-node';
import { RunsKubeReader } from '../services/Runs/kubeReader';

/**
 * What the Runs service tests share: a cluster, Jobs and pods shaped like the training
 * template's, a reader that records the Kubernetes calls it gets, and Backstage's own memory
 * cache.
 */

export const cluster = {
  // the tests hand the service their own reader; the client configuration is never used
  kubeConfig: new KubeConfig(),
  trainingNamespace: 'train-ns',
  modelsNamespace: 'models-ns',
};
export const model = (name: string) => ({
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

export function job(i: number, state: 'done' | 'failed' | 'running'): V1Job {
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
export function pod(jobIndex: number, k: number, restarted = false): V1Pod {
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

export function fakeReader(
  jobs: V1Job[],
  pods: V1Pod[],
  deployments: V1Deployment[],
) {
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

export const credentials = mockCredentials.user('user:default/alice');
export const ref = { kind: 'model', namespace: 'default', name: 'churn' };

/** Backstage's own in-memory cache, as a backend configured with `backend.cache.store: memory` gets. */
export function memoryCache() {
  return CacheManager.fromConfig(
    mockServices.rootConfig({
      data: { backend: { cache: { store: 'memory' } } },
    }),
  ).forPlugin('kaml-d');
}
