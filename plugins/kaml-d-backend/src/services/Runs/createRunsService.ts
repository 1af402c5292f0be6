import { CacheService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ApisApi,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObject,
  V1Deployment,
  V1Job,
  V1Pod,
} from '@kubernetes/client-node';
import {
  KSERVE_GROUP_VERSION,
  KUBEFLOW_GROUP_VERSION,
  ResourceCondition,
  TRAINING_OPERATOR_KINDS,
  TrainingOperatorKind,
  interpretServingConditions,
  interpretTrainingConditions,
  resolveModelNamespaces,
} from '@kaml-d/plugin-kaml-d-common';
import { CLUSTER_NOT_CONFIGURED_MESSAGE } from '@kaml-d/plugin-kaml-d-node';
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
  /**
   * The custom resources the API server serves among those listed, as `group/version/plural`
   * (the API group list, then the resource list of each group that is served). Readers
   * without it list no custom resources.
   */
  servedResources?(wanted: string[]): Promise<string[]>;
  /** Custom objects of a served resource, label-selected. */
  listCustom?(
    groupVersion: string,
    plural: string,
    namespace: string,
    labelSelector: string,
  ): Promise<CustomResource[]>;
}

/** A custom resource as listed: whatever its spec, with conditions in its status. */
export type CustomResource = KubernetesObject & {
  spec?: Record<string, any>;
  status?: {
    conditions?: ResourceCondition[];
    startTime?: string;
    completionTime?: string;
    url?: string;
    address?: { url?: string };
  };
};

/** Custom resources the Runs tab lists when they are served. */
export const RUN_CUSTOM_RESOURCES = [
  ...Object.values(TRAINING_OPERATOR_KINDS).map(
    plural => `${KUBEFLOW_GROUP_VERSION}/${plural}`,
  ),
  `${KSERVE_GROUP_VERSION}/inferenceservices`,
];

/** A reader through `@kubernetes/client-node` with the configured cluster access. */
export function createRunsKubeReader(
  cluster: RunsClusterConfig,
): RunsKubeReader {
  const kc = cluster.kubeConfig;
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const apis = kc.makeApiClient(ApisApi);
  const custom = kc.makeApiClient(CustomObjectsApi);
  return {
    async servedResources(wanted) {
      const served = new Set(
        (await apis.getAPIVersions()).groups.flatMap(g =>
          g.versions.map(v => v.groupVersion),
        ),
      );
      const groupVersions = [
        ...new Set(wanted.map(w => w.split('/').slice(0, 2).join('/'))),
      ].filter(gv => served.has(gv));
      const lists = await Promise.all(
        groupVersions.map(async gv => {
          const [group, version] = gv.split('/');
          const list = await custom.getAPIResources({ group, version });
          return list.resources.map(r => `${gv}/${r.name}`);
        }),
      );
      return lists.flat().filter(r => wanted.includes(r));
    },
    async listCustom(groupVersion, plural, namespace, labelSelector) {
      const [group, version] = groupVersion.split('/');
      const list = (await custom.listNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        labelSelector,
      })) as { items?: CustomResource[] };
      return list.items ?? [];
    },
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

/** How long the answer of API discovery (which custom resources are served) is reused. */
export const DISCOVERY_CACHE_SECONDS = 60;

function iso(value: Date | string | undefined): string | undefined {
  return value ? new Date(value).toISOString() : undefined;
}

/** A custom resource's RFC 3339 time as the Date the Job-typed fields hold. */
function dateOf(value: string | Date | undefined): Date | undefined {
  return value ? new Date(value) : undefined;
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
    kind: 'Job',
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
    kind: 'Deployment',
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
    o =>
      (o.kind === 'Job' || o.kind in TRAINING_OPERATOR_KINDS) && o.controller,
  );
  return (
    owner?.name ??
    pod.metadata?.labels?.['batch.kubernetes.io/job-name'] ??
    pod.metadata?.labels?.['training.kubeflow.org/job-name'] ??
    pod.metadata?.labels?.['job-name']
  );
}

/** nvidia.com/gpu of one pod template's containers (limits, else requests). */
function gpusOfTemplate(template: any): number {
  const containers: any[] = template?.spec?.containers ?? [];
  return containers.reduce((sum, c) => {
    const n = Number(
      c?.resources?.limits?.['nvidia.com/gpu'] ??
        c?.resources?.requests?.['nvidia.com/gpu'] ??
        0,
    );
    return sum + (Number.isFinite(n) ? n : 0);
  }, 0);
}

/** A TFJob or PyTorchJob and its pods as one row of the Runs tab, status from its conditions. */
export function toOperatorRun(
  kind: TrainingOperatorKind,
  resource: CustomResource,
  pods: V1Pod[],
  now: number,
): TrainingRun {
  const { status, message: why } = interpretTrainingConditions(
    resource.status?.conditions,
  );
  const replicaSpecs: Record<string, any> =
    (kind === 'TFJob'
      ? resource.spec?.tfReplicaSpecs
      : resource.spec?.pytorchReplicaSpecs) ?? {};
  const replicas = Object.values(replicaSpecs);
  // the Job fields of the row come from a Job-shaped view of the resource
  const base = toRun(
    {
      metadata: resource.metadata,
      spec: { template: replicas[0]?.template ?? {} },
      status: {
        startTime: dateOf(resource.status?.startTime),
        completionTime: dateOf(resource.status?.completionTime),
        conditions:
          status === 'Failed'
            ? [
                {
                  type: 'Failed',
                  status: 'True',
                  lastTransitionTime: dateOf(
                    resource.status?.conditions?.find(c => c.type === 'Failed')
                      ?.lastTransitionTime,
                  ),
                },
              ]
            : [],
      },
    },
    pods,
    now,
  );
  return {
    ...base,
    kind,
    status,
    message: why,
    gpus: replicas.reduce(
      (sum, r) =>
        sum + (Number(r?.replicas ?? 1) || 0) * gpusOfTemplate(r?.template),
      0,
    ),
  };
}

/** An InferenceService as one row of the Deployments tab, status from its conditions. */
export function toInferenceService(
  resource: CustomResource,
): ModelDeploymentRow {
  const labels = resource.metadata?.labels ?? {};
  const name = resource.metadata?.name ?? '';
  const namespace = resource.metadata?.namespace ?? '';
  const { status, message: why } = interpretServingConditions(
    resource.status?.conditions,
  );
  const predictor = resource.spec?.predictor ?? {};
  const desired = Number(predictor.minReplicas ?? 1) || 1;
  const canary = Number(predictor.canaryTrafficPercent);
  return {
    kind: 'InferenceService',
    name,
    namespace,
    version: labels[MODEL_VERSION_LABEL],
    status,
    message: why,
    ...(Number.isFinite(canary) ? { canaryTrafficPercent: canary } : {}),
    desiredReplicas: desired,
    readyReplicas: status === 'Ready' ? desired : 0,
    endpoint:
      resource.status?.url ??
      resource.status?.address?.url ??
      `http://${name}-predictor.${namespace}.svc.cluster.local`,
  };
}

function message(error: unknown): string {
  const e = error as { code?: number; body?: unknown; message?: string };
  // an API server Status: its own sentence rather than the client's dump of the response
  if (typeof e?.code === 'number' && typeof e.body === 'string') {
    try {
      const status = JSON.parse(e.body) as { message?: unknown };
      if (typeof status.message === 'string') {
        return `HTTP ${e.code}: ${status.message}`;
      }
    } catch {
      // not JSON: fall through
    }
  }
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
  ): Promise<{ name: string; entity: Entity }> {
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
    return { name, entity };
  }

  /** The cluster settings with the model's namespaces: its project's, or the shared ones. */
  async function forModel(
    entity: Entity,
    shared: RunsClusterConfig,
    credentials: Parameters<RunsService['runs']>[1],
  ): Promise<RunsClusterConfig> {
    try {
      const ns = await resolveModelNamespaces(entity, shared, ref =>
        catalog.getEntityByRef(ref, { credentials }),
      );
      return {
        ...shared,
        trainingNamespace: ns.training,
        modelsNamespace: ns.models,
      };
    } catch (e) {
      throw new InputError((e as Error).message);
    }
  }

  function requireCluster(): {
    reader: RunsKubeReader;
    cluster: RunsClusterConfig;
  } {
    if (!reader || !cluster) {
      throw new ServiceUnavailableError(CLUSTER_NOT_CONFIGURED_MESSAGE);
    }
    return { reader, cluster };
  }

  /** Which of the custom resources are served; one discovery round per minute (cached). */
  async function servedCustomResources(
    kube: RunsKubeReader,
  ): Promise<string[]> {
    if (!kube.servedResources) return [];
    const key = 'runs-discovery:v1';
    const cached = await cache.get(key);
    if (typeof cached === 'string') return JSON.parse(cached) as string[];
    const served = await kube.servedResources(RUN_CUSTOM_RESOURCES);
    await cache.set(key, JSON.stringify(served), {
      ttl: { seconds: DISCOVERY_CACHE_SECONDS },
    });
    return served;
  }

  return {
    async runs(ref, credentials) {
      const { name: model, entity } = await modelLabel(ref, credentials);
      const { reader: kube, cluster: shared } = requireCluster();
      // keyed by the entity: the project's namespace is looked up only when the answer is not cached
      const key = `runs:${shared.trainingNamespace}:${
        shared.modelsNamespace
      }:${stringifyEntityRef(entity)}`;
      const cached = await cache.get(key);
      if (typeof cached === 'string') {
        return JSON.parse(cached) as ModelRunsResponse;
      }
      const c = await forModel(entity, shared, credentials);
      const selector = `${MODEL_LABEL}=${model}`;
      let answer: ModelRunsResponse;
      const errors: NonNullable<ModelRunsResponse['errors']> = [];
      // custom resources only when served: discovery is cached, then one list per served kind
      const served = await servedCustomResources(kube).catch(e => {
        errors.push({
          resource: 'API discovery',
          message: `custom resources not listed: ${message(e)}`,
        });
        return [] as string[];
      });
      const listCustom = async (
        resource: string,
        namespace: string,
      ): Promise<CustomResource[]> => {
        if (!served.includes(resource) || !kube.listCustom) return [];
        const plural = resource.split('/')[2];
        const groupVersion = resource.split('/').slice(0, 2).join('/');
        try {
          return await kube.listCustom(
            groupVersion,
            plural,
            namespace,
            selector,
          );
        } catch (e) {
          errors.push({
            resource: `${plural}.${groupVersion.split('/')[0]}`,
            message: message(e),
          });
          return [];
        }
      };
      try {
        const [jobs, pods, deployments, tfjobs, pytorchjobs, isvcs] =
          await Promise.all([
            kube.listJobs(c.trainingNamespace, selector),
            kube.listPods(c.trainingNamespace, selector),
            kube.listDeployments(c.modelsNamespace, selector),
            listCustom(`${KUBEFLOW_GROUP_VERSION}/tfjobs`, c.trainingNamespace),
            listCustom(
              `${KUBEFLOW_GROUP_VERSION}/pytorchjobs`,
              c.trainingNamespace,
            ),
            listCustom(
              `${KSERVE_GROUP_VERSION}/inferenceservices`,
              c.modelsNamespace,
            ),
          ]);
        const podsByJob = new Map<string, V1Pod[]>();
        for (const pod of pods) {
          const job = jobOfPod(pod);
          if (!job) continue;
          podsByJob.set(job, [...(podsByJob.get(job) ?? []), pod]);
        }
        const t = now();
        const podsOf = (o: KubernetesObject) =>
          podsByJob.get(o.metadata?.name ?? '') ?? [];
        answer = {
          model,
          runs: [
            ...jobs.map(j => toRun(j, podsOf(j), t)),
            ...tfjobs.map(j => toOperatorRun('TFJob', j, podsOf(j), t)),
            ...pytorchjobs.map(j =>
              toOperatorRun('PyTorchJob', j, podsOf(j), t),
            ),
          ].sort((a, b) =>
            (b.startTime ?? '~').localeCompare(a.startTime ?? '~'),
          ),
          deployments: [
            ...deployments.map(toDeployment),
            ...isvcs.map(toInferenceService),
          ].sort((a, b) => a.name.localeCompare(b.name)),
          ...(errors.length ? { errors } : {}),
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
      // a partial answer is not cached: the next view tries the failed lists again
      if (!errors.length) await cache.set(key, JSON.stringify(answer));
      return answer;
    },

    async logs(ref, o, credentials) {
      const { name: model, entity } = await modelLabel(ref, credentials);
      const { reader: kube, cluster: shared } = requireCluster();
      const c = await forModel(entity, shared, credentials);
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
