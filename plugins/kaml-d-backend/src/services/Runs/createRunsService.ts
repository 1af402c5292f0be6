import { CacheService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  V1Deployment,
  V1Job,
  V1Pod,
} from '@kubernetes/client-node';
import { isLabelValue } from '../Observation/kubernetes';
import {
  MODEL_LABEL,
  MODEL_VERSION_LABEL,
  ModelDeploymentRow,
  ModelRunsResponse,
  RunsClusterConfig,
  RunsService,
  TRACK_LABEL,
  TrainingRun,
} from './types';

/** The three list calls the service makes; the rig's client or a fake in unit tests. */
export interface RunsKubeReader {
  listJobs(namespace: string, labelSelector: string): Promise<V1Job[]>;
  listPods(
    namespace: string,
    labelSelector: string,
    fieldSelector?: string,
  ): Promise<V1Pod[]>;
  listDeployments(
    namespace: string,
    labelSelector: string,
  ): Promise<V1Deployment[]>;
  podLog(options: {
    namespace: string;
    pod: string;
    container: string;
    previous: boolean;
    tailLines: number;
    sinceSeconds?: number;
  }): Promise<string>;
}

/** A reader through `@kubernetes/client-node` with the configured URL, token and CA. */
export function createRunsKubeReader(
  cluster: RunsClusterConfig,
): RunsKubeReader {
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(
    {
      name: 'kaml-d',
      server: cluster.url,
      caData: cluster.caData && Buffer.from(cluster.caData).toString('base64'),
      skipTLSVerify: false,
    },
    { name: 'kaml-d', token: cluster.token },
  );
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  return {
    listJobs: async (namespace, labelSelector) =>
      (await batch.listNamespacedJob({ namespace, labelSelector })).items,
    listPods: async (namespace, labelSelector, fieldSelector) =>
      (
        await core.listNamespacedPod({
          namespace,
          labelSelector,
          fieldSelector,
        })
      ).items,
    listDeployments: async (namespace, labelSelector) =>
      (await apps.listNamespacedDeployment({ namespace, labelSelector })).items,
    podLog: async o =>
      core.readNamespacedPodLog({
        name: o.pod,
        namespace: o.namespace,
        container: o.container,
        previous: o.previous,
        tailLines: o.tailLines,
        sinceSeconds: o.sinceSeconds,
      }),
  };
}

function iso(value: Date | string | undefined): string | undefined {
  return value ? new Date(value).toISOString() : undefined;
}

/** Sums `nvidia.com/gpu` over a pod template's containers (limits, else requests). */
function gpusOf(job: V1Job): number {
  return (job.spec?.template.spec?.containers ?? []).reduce((sum, c) => {
    const raw =
      c.resources?.limits?.['nvidia.com/gpu'] ??
      c.resources?.requests?.['nvidia.com/gpu'];
    const n = Number(raw ?? 0);
    return sum + (Number.isFinite(n) ? n : 0);
  }, 0);
}

function statusOf(job: V1Job, pods: V1Pod[]): TrainingRun['status'] {
  const conditions = job.status?.conditions ?? [];
  const is = (type: string) =>
    conditions.some(c => c.type === type && c.status === 'True');
  if (is('Failed')) return 'Failed';
  if (is('Complete') || is('SuccessCriteriaMet')) return 'Succeeded';
  if (
    (job.status?.active ?? 0) > 0 ||
    pods.some(p => p.status?.phase === 'Running')
  ) {
    return 'Running';
  }
  return 'Pending';
}

/** A Job and its pods as one row of the Runs tab. */
export function toRun(job: V1Job, pods: V1Pod[], now: number): TrainingRun {
  const start = iso(job.status?.startTime);
  const end =
    iso(job.status?.completionTime) ??
    iso(
      job.status?.conditions?.find(
        c => c.type === 'Failed' && c.status === 'True',
      )?.lastTransitionTime,
    );
  const status = statusOf(job, pods);
  let durationSeconds: number | undefined;
  if (start) {
    let until: number | undefined;
    if (end) until = Date.parse(end);
    else if (status === 'Running' || status === 'Pending') until = now;
    if (until !== undefined) {
      durationSeconds = Math.max(
        0,
        Math.round((until - Date.parse(start)) / 1000),
      );
    }
  }
  return {
    name: job.metadata?.name ?? '',
    namespace: job.metadata?.namespace ?? '',
    status,
    startTime: start,
    completionTime: end,
    durationSeconds,
    gpus: gpusOf(job),
    image: job.spec?.template.spec?.containers?.[0]?.image,
    pods: pods
      .map(p => {
        const statuses = p.status?.containerStatuses ?? [];
        return {
          name: p.metadata?.name ?? '',
          phase: p.status?.phase ?? 'Unknown',
          containers: (p.spec?.containers ?? []).map(c => c.name),
          restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
          hasPrevious: statuses.some(s => Boolean(s.lastState?.terminated)),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** A Deployment as one row of the Deployments tab; the endpoint is its Service's cluster DNS name. */
export function toDeployment(d: V1Deployment): ModelDeploymentRow {
  const labels = d.metadata?.labels ?? {};
  const namespace = d.metadata?.namespace ?? '';
  const service = labels['app.kubernetes.io/name'] ?? d.metadata?.name ?? '';
  return {
    name: d.metadata?.name ?? '',
    namespace,
    version: labels[MODEL_VERSION_LABEL],
    track: labels[TRACK_LABEL],
    desiredReplicas: d.spec?.replicas ?? 1,
    readyReplicas: d.status?.readyReplicas ?? 0,
    endpoint: `http://${service}.${namespace}.svc.cluster.local`,
  };
}

/** Which Job a pod belongs to: its controller owner reference, else the `job-name` label. */
function jobOfPod(pod: V1Pod): string | undefined {
  const owner = pod.metadata?.ownerReferences?.find(
    o => o.kind === 'Job' && o.controller,
  );
  return (
    owner?.name ??
    pod.metadata?.labels?.['batch.kubernetes.io/job-name'] ??
    pod.metadata?.labels?.['job-name']
  );
}

function message(error: unknown): string {
  const e = error as { code?: number; body?: unknown; message?: string };
  return e?.message ?? String(error);
}

/**
 * Builds the Runs service. The model entity is read from the catalog with the caller's
 * credentials first (so catalog read permission decides who sees runs), then one cached
 * answer per model is served for `cacheSeconds`.
 */
export function createRunsService(options: {
  cluster: RunsClusterConfig | undefined;
  catalog: CatalogService;
  cache: CacheService;
  reader?: RunsKubeReader;
  cacheSeconds?: number;
  now?: () => number;
}): RunsService {
  const { cluster, catalog } = options;
  const cache = options.cache.withOptions({
    defaultTtl: { seconds: options.cacheSeconds ?? 5 },
  });
  const reader =
    options.reader ?? (cluster ? createRunsKubeReader(cluster) : undefined);
  const now = options.now ?? Date.now;

  async function modelLabel(
    ref: Parameters<RunsService['runs']>[0],
    credentials: Parameters<RunsService['runs']>[1],
  ): Promise<string> {
    if (ref.kind.toLocaleLowerCase('en-US') !== 'model') {
      throw new InputError(
        `Runs exist for Model entities only, not ${ref.kind}`,
      );
    }
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(
        `No model ${stringifyEntityRef(ref)} in the catalog`,
      );
    }
    const name = entity.metadata.name;
    // the actions label with the model's name; anything not a label value cannot have runs
    if (!isLabelValue(name) || name.length > 63) {
      throw new InputError(
        `Model name "${name}" is not a Kubernetes label value, so no run can carry it`,
      );
    }
    return name;
  }

  function requireCluster(): {
    reader: RunsKubeReader;
    cluster: RunsClusterConfig;
  } {
    if (!reader || !cluster) {
      throw new ServiceUnavailableError(
        'Kubernetes access is not configured: set kamlD.kubernetes.url and kamlD.kubernetes.token',
      );
    }
    return { reader, cluster };
  }

  return {
    async runs(ref, credentials) {
      const model = await modelLabel(ref, credentials);
      const { reader: kube, cluster: c } = requireCluster();
      const key = `runs:${c.trainingNamespace}:${c.modelsNamespace}:${model}`;
      const cached = await cache.get(key);
      if (typeof cached === 'string') {
        return JSON.parse(cached) as ModelRunsResponse;
      }
      const selector = `${MODEL_LABEL}=${model}`;
      let answer: ModelRunsResponse;
      try {
        const [jobs, pods, deployments] = await Promise.all([
          kube.listJobs(c.trainingNamespace, selector),
          kube.listPods(c.trainingNamespace, selector),
          kube.listDeployments(c.modelsNamespace, selector),
        ]);
        const podsByJob = new Map<string, V1Pod[]>();
        for (const pod of pods) {
          const job = jobOfPod(pod);
          if (!job) continue;
          podsByJob.set(job, [...(podsByJob.get(job) ?? []), pod]);
        }
        const t = now();
        answer = {
          model,
          runs: jobs
            .map(j => toRun(j, podsByJob.get(j.metadata?.name ?? '') ?? [], t))
            .sort((a, b) =>
              (b.startTime ?? '~').localeCompare(a.startTime ?? '~'),
            ),
          deployments: deployments
            .map(toDeployment)
            .sort((a, b) => a.name.localeCompare(b.name)),
        };
      } catch (e) {
        // not cached: the next view tries again
        return {
          model,
          runs: [],
          deployments: [],
          error: `Kubernetes cluster unreachable or refused: ${message(e)}`,
        };
      }
      await cache.set(key, JSON.stringify(answer));
      return answer;
    },

    async logs(ref, o, credentials) {
      const model = await modelLabel(ref, credentials);
      const { reader: kube, cluster: c } = requireCluster();
      // one list by label and name: the pod must be one of this model's, not any pod in the namespace
      const [pod] = await kube.listPods(
        c.trainingNamespace,
        `${MODEL_LABEL}=${model}`,
        `metadata.name=${o.pod}`,
      );
      if (!pod) {
        throw new NotFoundError(
          `Pod ${o.pod} is not a training pod of model ${model}`,
        );
      }
      const containers = (pod.spec?.containers ?? []).map(x => x.name);
      const container = o.container ?? containers[0];
      if (!container || !containers.includes(container)) {
        throw new InputError(
          `Pod ${o.pod} has no container "${
            o.container
          }"; use one of ${containers.join(', ')}`,
        );
      }
      const text = await kube.podLog({
        namespace: c.trainingNamespace,
        pod: o.pod,
        container,
        previous: o.previous,
        tailLines: o.tailLines,
        sinceSeconds: o.sinceSeconds,
      });
      return { pod: o.pod, container, text: text ?? '' };
    },
  };
}
