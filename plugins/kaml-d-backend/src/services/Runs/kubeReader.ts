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
  PartialFailure,
  ResourceCondition,
  TRAINER_GROUP_VERSION,
  TRAINING_OPERATOR_KINDS,
} from '@kaml-d/plugin-kaml-d-common';
import { partialFailure } from '../partialFailure';
import { trainJobPodSelector } from './trainJobRows';
import { RunsClusterConfig } from './types';

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
  `${TRAINER_GROUP_VERSION}/trainjobs`,
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

/** What a failed cluster call says: an API server Status's own sentence, else the error's message. */
export function kubeErrorMessage(error: unknown): string {
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

/** Everything one model's Runs and Deployments tabs are made of, as listed. */
export interface ModelObjects {
  jobs: V1Job[];
  pods: V1Pod[];
  deployments: V1Deployment[];
  tfjobs: CustomResource[];
  pytorchjobs: CustomResource[];
  inferenceServices: CustomResource[];
  /** Kubeflow Trainer v2 TrainJobs (when served) and the pods of their JobSets. */
  trainjobs?: CustomResource[];
  trainJobPods?: V1Pod[];
}

/**
 * Lists a model's objects in 3 + N label-selected calls: Jobs and pods in the training
 * namespace, Deployments in the models namespace, and one list per served custom resource;
 * then, when the model has TrainJobs, one list of their pods (labelled by the JobSet controller,
 * not with the model). A failed custom resource list is pushed onto `errors` and read as empty;
 * a failed core list rejects.
 */
export async function listModelObjects(
  kube: RunsKubeReader,
  options: {
    served: string[];
    trainingNamespace: string;
    modelsNamespace: string;
    selector: string;
    errors: PartialFailure[];
  },
): Promise<ModelObjects> {
  const { served, trainingNamespace, modelsNamespace, selector, errors } =
    options;
  const listCustom = async (
    resource: string,
    namespace: string,
  ): Promise<CustomResource[]> => {
    if (!served.includes(resource) || !kube.listCustom) return [];
    const plural = resource.split('/')[2];
    const groupVersion = resource.split('/').slice(0, 2).join('/');
    try {
      return await kube.listCustom(groupVersion, plural, namespace, selector);
    } catch (e) {
      errors.push(
        partialFailure(
          'kubernetes',
          `${plural}.${groupVersion.split('/')[0]}`,
          kubeErrorMessage(e),
          e,
        ),
      );
      return [];
    }
  };
  const [
    jobs,
    pods,
    deployments,
    tfjobs,
    pytorchjobs,
    inferenceServices,
    trainjobs,
  ] = await Promise.all([
    kube.listJobs(trainingNamespace, selector),
    kube.listPods(trainingNamespace, selector),
    kube.listDeployments(modelsNamespace, selector),
    listCustom(`${KUBEFLOW_GROUP_VERSION}/tfjobs`, trainingNamespace),
    listCustom(`${KUBEFLOW_GROUP_VERSION}/pytorchjobs`, trainingNamespace),
    listCustom(`${KSERVE_GROUP_VERSION}/inferenceservices`, modelsNamespace),
    listCustom(`${TRAINER_GROUP_VERSION}/trainjobs`, trainingNamespace),
  ]);
  const podSelector = trainJobPodSelector(trainjobs);
  let trainJobPods: V1Pod[] = [];
  if (podSelector) {
    try {
      trainJobPods = await kube.listPods(trainingNamespace, podSelector);
    } catch (e) {
      errors.push(
        partialFailure(
          'kubernetes',
          'pods of TrainJobs',
          kubeErrorMessage(e),
          e,
        ),
      );
    }
  }
  return {
    jobs,
    pods,
    deployments,
    tfjobs,
    pytorchjobs,
    inferenceServices,
    trainjobs,
    trainJobPods,
  };
}

/**
 * A pod of one of the model's TrainJobs, by name: the TrainJobs carry the model label, their
 * pods only their JobSet's name. Undefined when TrainJobs are not served or the pod is none of
 * theirs.
 */
export async function findTrainJobPod(
  kube: RunsKubeReader,
  options: {
    served: string[];
    namespace: string;
    selector: string;
    pod: string;
  },
): Promise<V1Pod | undefined> {
  const { served, namespace, selector, pod } = options;
  if (
    !served.includes(`${TRAINER_GROUP_VERSION}/trainjobs`) ||
    !kube.listCustom
  ) {
    return undefined;
  }
  const trainJobs = await kube.listCustom(
    TRAINER_GROUP_VERSION,
    'trainjobs',
    namespace,
    selector,
  );
  const podSelector = trainJobPodSelector(trainJobs);
  if (!podSelector) return undefined;
  const [found] = await kube.listPods(
    namespace,
    podSelector,
    `metadata.name=${pod}`,
  );
  return found;
}
