import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
} from '@kubernetes/client-node';
import { ObservationWorkload, SreNode } from '@kaml-d/plugin-kaml-d-common';
import { deploymentWorkload, jobWorkload } from './kubernetes';

/** What one cluster contributes to the SRE page. */
export interface ClusterOverview {
  nodes: SreNode[];
  /** Failed Jobs with the `app.kubernetes.io/name` they carry. */
  failingRuns: Array<{ id?: string; workload: ObservationWorkload }>;
  /** Deployments short of ready replicas, likewise. */
  unhealthyEndpoints: Array<{ id?: string; workload: ObservationWorkload }>;
}

/** The label that ties a workload to an entity's `backstage.io/kubernetes-id`. */
export const WORKLOAD_ID_LABEL = 'app.kubernetes.io/name';

const GPU = 'nvidia.com/gpu';

/** Whole GPUs from a quantity (`"2"`); anything unreadable counts as none. */
function gpus(quantity: string | undefined): number {
  const n = Number(quantity ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/** Reads nodes (with GPU capacity and requests), failed Jobs and not-ready Deployments of one cluster. */
export function createClusterOverviewReader(
  name: string,
  kc: KubeConfig,
): () => Promise<ClusterOverview> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  return async () => {
    const [nodes, pods, jobs, deployments] = await Promise.all([
      core.listNode(),
      core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Running' }),
      batch.listJobForAllNamespaces(),
      apps.listDeploymentForAllNamespaces(),
    ]);
    const requested = new Map<string, number>();
    for (const pod of pods.items) {
      const node = pod.spec?.nodeName;
      if (!node) continue;
      const n = (pod.spec?.containers ?? []).reduce(
        (sum, c) =>
          sum +
          gpus(c.resources?.limits?.[GPU] ?? c.resources?.requests?.[GPU]),
        0,
      );
      requested.set(node, (requested.get(node) ?? 0) + n);
    }
    const idOf = (labels: Record<string, string> | undefined) =>
      labels?.[WORKLOAD_ID_LABEL];
    return {
      nodes: nodes.items.map(node => ({
        cluster: name,
        name: node.metadata?.name ?? '',
        ready: (node.status?.conditions ?? []).some(
          c => c.type === 'Ready' && c.status === 'True',
        ),
        gpuAllocatable: gpus(node.status?.allocatable?.[GPU]),
        gpuRequested: requested.get(node.metadata?.name ?? '') ?? 0,
      })),
      failingRuns: jobs.items
        .map(job => ({
          id: idOf(job.metadata?.labels),
          workload: jobWorkload(name, job),
        }))
        .filter(({ workload }) => !workload.healthy),
      unhealthyEndpoints: deployments.items
        .map(d => ({
          id: idOf(d.metadata?.labels),
          workload: deploymentWorkload(name, d),
        }))
        .filter(({ workload }) => !workload.healthy),
    };
  };
}
