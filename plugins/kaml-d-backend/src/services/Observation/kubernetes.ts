import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  V1Deployment,
  V1Job,
  V1Pod,
} from '@kubernetes/client-node';
import {
  ObservationCondition,
  ObservationEvent,
  ObservationWorkload,
  isLabelValue,
} from '@kaml-d/plugin-kaml-d-common';
import { buildKamlDPodKubeConfig } from '@kaml-d/plugin-kaml-d-node';
import { ObservationClusterConfig, ObservationCustomResource } from './types';

/** Where an entity's objects live. */
export interface KubernetesTarget {
  namespace: string;
  labelSelector: string;
}

/** What one cluster answered. */
export interface ClusterObservation {
  workloads: ObservationWorkload[];
  events: ObservationEvent[];
}

/** Reads one cluster; throws when the cluster cannot be read (the caller turns it into data). */
export type ClusterReader = (
  target: KubernetesTarget,
) => Promise<ClusterObservation>;

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * Validates a label selector from an annotation: equality (`a=b`, `a==b`, `a!=b`), set
 * (`a in (x,y)`, `a notin (x)`) and existence (`a`, `!a`) requirements, comma separated. Returns
 * it normalised, or undefined when any requirement is malformed.
 */
export function validateLabelSelector(selector: string): string | undefined {
  const requirements = selector.split(/,(?![^()]*\))/).map(r => r.trim());
  for (const r of requirements) {
    const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(r);
    const set = /^([^\s]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(r);
    const exists = /^(!?)([^\s!=]+)$/.exec(r);
    if (eq) {
      if (!LABEL_KEY.test(eq[1]) || !isLabelValue(eq[3])) return undefined;
    } else if (set) {
      const values = set[3].split(',').map(v => v.trim());
      if (!LABEL_KEY.test(set[1]) || !values.every(v => isLabelValue(v))) {
        return undefined;
      }
    } else if (exists) {
      if (!LABEL_KEY.test(exists[2])) return undefined;
    } else {
      return undefined;
    }
  }
  return requirements.join(',');
}

function conditionsOf(
  list:
    | Array<{
        type?: string;
        status?: string;
        reason?: string;
        message?: string;
      }>
    | undefined,
): ObservationCondition[] {
  return (list ?? []).map(c => ({
    type: c.type ?? 'Unknown',
    status: c.status ?? 'Unknown',
    reason: c.reason,
    message: c.message,
  }));
}

/** A pod's state in words, its restarts and whether it is working. */
export function podWorkload(cluster: string, pod: V1Pod): ObservationWorkload {
  const statuses = pod.status?.containerStatuses ?? [];
  const restarts = statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0);
  const waiting = statuses.find(s => s.state?.waiting?.reason)?.state?.waiting
    ?.reason;
  const terminated = statuses.find(s => s.state?.terminated?.reason)?.state
    ?.terminated?.reason;
  const conditions = conditionsOf(pod.status?.conditions);
  const ready = conditions.some(c => c.type === 'Ready' && c.status === 'True');
  const phase = pod.status?.phase ?? 'Unknown';
  return {
    cluster,
    kind: 'Pod',
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    phase: waiting ?? (phase === 'Failed' ? terminated ?? phase : phase),
    healthy: phase === 'Succeeded' || (phase === 'Running' && ready),
    restarts,
    conditions,
  };
}

/** A Deployment's ready replicas against the wanted ones. */
export function deploymentWorkload(
  cluster: string,
  d: V1Deployment,
): ObservationWorkload {
  const wanted = d.spec?.replicas ?? 1;
  const ready = d.status?.readyReplicas ?? 0;
  const conditions = conditionsOf(d.status?.conditions);
  const available = conditions.find(c => c.type === 'Available');
  return {
    cluster,
    kind: 'Deployment',
    namespace: d.metadata?.namespace ?? '',
    name: d.metadata?.name ?? '',
    phase: `${ready}/${wanted} ready`,
    healthy: ready >= wanted && available?.status !== 'False',
    conditions,
  };
}

/** A Job: Complete, Failed or still running. */
export function jobWorkload(cluster: string, job: V1Job): ObservationWorkload {
  const conditions = conditionsOf(job.status?.conditions);
  const failed = conditions.find(
    c => c.type === 'Failed' && c.status === 'True',
  );
  const complete = conditions.find(
    c => c.type === 'Complete' && c.status === 'True',
  );
  let phase = 'Running';
  if (failed) phase = 'Failed';
  else if (complete) phase = 'Complete';
  return {
    cluster,
    kind: 'Job',
    namespace: job.metadata?.namespace ?? '',
    name: job.metadata?.name ?? '',
    phase,
    healthy: !failed,
    conditions,
  };
}

/**
 * A custom resource, read through its `status.conditions`: a `Ready` (else `Available`,
 * `Succeeded`) condition decides; `False` is unhealthy, no such condition counts as healthy.
 */
export function customWorkload(
  cluster: string,
  kind: string,
  object: {
    metadata?: { name?: string; namespace?: string };
    status?: {
      conditions?: Array<{
        type?: string;
        status?: string;
        reason?: string;
        message?: string;
      }>;
    };
  },
): ObservationWorkload {
  const conditions = conditionsOf(object.status?.conditions);
  const decisive = ['Ready', 'Available', 'Succeeded']
    .map(type => conditions.find(c => c.type === type))
    .find(Boolean);
  return {
    cluster,
    kind,
    namespace: object.metadata?.namespace ?? '',
    name: object.metadata?.name ?? '',
    phase: decisive
      ? `${decisive.type}=${decisive.status}${
          decisive.reason ? ` (${decisive.reason})` : ''
        }`
      : 'no conditions',
    healthy: decisive?.status !== 'False',
    conditions,
  };
}

/**
 * The client configuration of an observed cluster (built once by kaml-d-node from the cluster
 * settings), or the pod's own service account.
 */
export function kubeConfigFor(
  cluster: ObservationClusterConfig | 'in-cluster',
): KubeConfig {
  if (cluster === 'in-cluster') {
    return buildKamlDPodKubeConfig(
      'kamlD.observation.kubernetes.inCluster is true',
    );
  }
  return cluster.kubeConfig;
}

/** A reader of one cluster through `@kubernetes/client-node`; lists run in parallel. */
export function createClusterReader(options: {
  cluster: ObservationClusterConfig | 'in-cluster';
  customResources: ObservationCustomResource[];
  eventMaxAgeMinutes: number;
}): ClusterReader {
  const name =
    options.cluster === 'in-cluster' ? 'in-cluster' : options.cluster.name;
  const kc = kubeConfigFor(options.cluster);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  return async ({ namespace, labelSelector }) => {
    const [deployments, pods, jobs, events, ...customLists] = await Promise.all(
      [
        apps.listNamespacedDeployment({ namespace, labelSelector }),
        core.listNamespacedPod({ namespace, labelSelector }),
        batch.listNamespacedJob({ namespace, labelSelector }),
        core.listNamespacedEvent({ namespace, fieldSelector: 'type=Warning' }),
        ...options.customResources.map(cr =>
          custom.listNamespacedCustomObject({
            group: cr.group,
            version: cr.version,
            namespace,
            plural: cr.plural,
            labelSelector,
          }),
        ),
      ],
    );
    const workloads: ObservationWorkload[] = [
      ...deployments.items.map(d => deploymentWorkload(name, d)),
      ...jobs.items.map(j => jobWorkload(name, j)),
      ...pods.items.map(p => podWorkload(name, p)),
    ];
    customLists.forEach((list: { kind?: string; items?: unknown[] }, i) => {
      const kind = (list.kind ?? options.customResources[i].plural).replace(
        /List$/,
        '',
      );
      for (const item of list.items ?? []) {
        workloads.push(
          customWorkload(
            name,
            kind,
            item as Parameters<typeof customWorkload>[2],
          ),
        );
      }
    });
    const mine = new Set(workloads.map(w => `${w.kind}/${w.name}`));
    const since = Date.now() - options.eventMaxAgeMinutes * 60_000;
    const recent = events.items
      .filter(e =>
        mine.has(`${e.involvedObject.kind}/${e.involvedObject.name}`),
      )
      .map(e => {
        const last =
          e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
        return {
          cluster: name,
          object: `${e.involvedObject.kind}/${e.involvedObject.name}`,
          reason: e.reason ?? '',
          message: e.message ?? '',
          count: e.count ?? 1,
          lastSeen: last ? new Date(last).toISOString() : undefined,
        };
      })
      .filter(e => !e.lastSeen || Date.parse(e.lastSeen) >= since)
      .sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''))
      .slice(0, 50);
    return { workloads, events: recent };
  };
}
