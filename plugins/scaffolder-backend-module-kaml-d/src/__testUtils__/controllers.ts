import type {
  KubernetesObject,
  V1Deployment,
  V1Job,
  V1Node,
  V1Pod,
} from '@kubernetes/client-node';
import { InMemoryKubeClient } from './InMemoryKubeClient';

/** Nodes like the rig's: one CPU node and one node with two GPUs. */
export function addNodes(cluster: InMemoryKubeClient): void {
  const node = (name: string, gpus: number): V1Node => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: {
      allocatable: {
        cpu: '16',
        memory: '64Gi',
        ...(gpus ? { 'nvidia.com/gpu': String(gpus) } : {}),
      },
    },
  });
  cluster.put(node('cpu-0', 0));
  cluster.put(node('gpu-0', 2));
}

/**
 * Plays the Job and Deployment controllers after `delayReads` reads: a Job gets one pod that
 * succeeds (or fails when its pod template says `kaml-d.io/sim-outcome: fail`), a Deployment
 * gets all replicas ready.
 */
export function simulateControllers(
  cluster: InMemoryKubeClient,
  delayReads = 1,
): void {
  let reads = 0;
  cluster.onRead = c => {
    reads += 1;
    if (reads <= delayReads) return;
    for (const job of c.all<V1Job>('Job')) {
      if (job.status?.conditions?.length) continue;
      const name = job.metadata!.name!;
      const namespace = job.metadata!.namespace!;
      const fail =
        job.spec?.template.metadata?.annotations?.['kaml-d.io/sim-outcome'] ===
        'fail';
      const pod: V1Pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${name}-abcde`,
          namespace,
          labels: { 'batch.kubernetes.io/job-name': name },
        },
        status: { phase: fail ? 'Failed' : 'Succeeded' },
      };
      c.put(pod);
      c.logs.set(
        `${namespace}/${name}-abcde`,
        '2026-01-01T00:00:01.000000000Z epoch 1 loss 0.9\n2026-01-01T00:00:02.000000000Z epoch 2 loss 0.5\n',
      );
      c.put({
        ...job,
        status: {
          startTime: new Date('2026-01-01T00:00:00Z'),
          completionTime: fail ? undefined : new Date('2026-01-01T00:00:03Z'),
          conditions: [
            fail
              ? {
                  type: 'Failed',
                  status: 'True',
                  reason: 'BackoffLimitExceeded',
                  message: 'Job has reached the specified backoff limit',
                }
              : { type: 'Complete', status: 'True' },
          ],
        },
      });
    }
    // the Kubeflow Trainer and JobSet controllers: the TrainJob's nodes complete
    for (const t of c.all<KubernetesObject & { status?: object }>('TrainJob')) {
      if (t.status) continue;
      c.put({
        ...t,
        metadata: {
          ...t.metadata,
          creationTimestamp: new Date('2026-01-01T00:00:00Z'),
        },
        status: {
          conditions: [
            {
              type: 'Complete',
              status: 'True',
              reason: 'AllJobsCompleted',
              message: 'jobset completed successfully',
              lastTransitionTime: '2026-01-01T00:00:04Z',
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
        },
      });
    }
    for (const d of c.all<V1Deployment>('Deployment')) {
      const replicas = d.spec?.replicas ?? 1;
      c.put({
        ...d,
        status: {
          observedGeneration: d.metadata?.generation,
          replicas,
          updatedReplicas: replicas,
          readyReplicas: replicas,
          availableReplicas: replicas,
        },
      });
    }
  };
}
