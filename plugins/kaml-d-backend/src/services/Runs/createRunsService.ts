import { CacheService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  isLabelValue,
  PartialFailure,
  resolveModelNamespaces,
} from '@kaml-d/plugin-kaml-d-common';
import { CLUSTER_NOT_CONFIGURED_MESSAGE } from '@kaml-d/plugin-kaml-d-node';
import {
  createRunsKubeReader,
  findTrainJobPod,
  kubeErrorMessage,
  listModelObjects,
  RUN_CUSTOM_RESOURCES,
  RunsKubeReader,
} from './kubeReader';
import { partialFailure } from '../partialFailure';
import { toRunsResponse } from './rows';
import {
  PAST_LOGS_NOT_CONFIGURED,
  searchRunPastLogs,
  withRunTelemetry,
} from './pastLogs';
import { ANNOTATION_TRACE_SERVICE } from '../Telemetry/entityLinks';
import { PastLogSource } from '../Telemetry/pastLogs';
import { TelemetryConfig } from '../Telemetry/types';
import {
  MODEL_LABEL,
  ModelRunsResponse,
  RunsClusterConfig,
  RunsService,
} from './types';

/** How long the answer of API discovery (which custom resources are served) is reused. */
export const DISCOVERY_CACHE_SECONDS = 60;

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
  /** Log and trace tools linked from each run. */
  telemetry?: TelemetryConfig;
  /** Where past logs are searched (Loki or Elasticsearch); absent, the search is not offered. */
  pastLogSource?: PastLogSource;
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

  /** The model's runs and deployments, from the cache or the cluster. */
  async function modelRuns(
    model: string,
    entity: Entity,
    credentials: Parameters<RunsService['runs']>[1],
  ): Promise<ModelRunsResponse> {
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
    const errors: PartialFailure[] = [];
    // custom resources only when served: discovery is cached, then one list per served kind
    const served = await servedCustomResources(kube).catch(e => {
      errors.push(
        partialFailure(
          'kubernetes',
          'API discovery',
          `custom resources not listed: ${kubeErrorMessage(e)}`,
          e,
        ),
      );
      return [] as string[];
    });
    try {
      const objects = await listModelObjects(kube, {
        served,
        trainingNamespace: c.trainingNamespace,
        modelsNamespace: c.modelsNamespace,
        selector,
        errors,
      });
      answer = toRunsResponse(model, objects, now(), errors);
    } catch (e) {
      // not cached: the next view tries again
      return {
        model,
        runs: [],
        deployments: [],
        error: `Kubernetes cluster unreachable or refused: ${kubeErrorMessage(
          e,
        )}`,
      };
    }
    // a partial answer is not cached: the next view tries the failed lists again
    if (!errors.length) await cache.set(key, JSON.stringify(answer));
    return answer;
  }

  const service: RunsService = {
    async runs(ref, credentials) {
      const { name: model, entity } = await modelLabel(ref, credentials);
      return withRunTelemetry(
        await modelRuns(model, entity, credentials),
        options.telemetry,
        {
          service:
            entity.metadata.annotations?.[ANNOTATION_TRACE_SERVICE] ?? model,
          pastLogs: options.pastLogSource?.kind,
          now: now(),
        },
      );
    },

    async logs(ref, o, credentials) {
      const { name: model, entity } = await modelLabel(ref, credentials);
      const { reader: kube, cluster: shared } = requireCluster();
      const c = await forModel(entity, shared, credentials);
      // one list by label and name: the pod must be one of this model's, not any pod in the namespace
      const [labelled] = await kube.listPods(
        c.trainingNamespace,
        `${MODEL_LABEL}=${model}`,
        `metadata.name=${o.pod}`,
      );
      // a TrainJob's pods carry its JobSet's name, not the model label
      const pod =
        labelled ??
        (await findTrainJobPod(kube, {
          served: await servedCustomResources(kube).catch(() => []),
          namespace: c.trainingNamespace,
          selector: `${MODEL_LABEL}=${model}`,
          pod: o.pod,
        }));
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
  service.pastLogs = async (ref, o, credentials) => {
    const { name: model, entity } = await modelLabel(ref, credentials);
    const source = options.pastLogSource;
    if (!source) throw new ServiceUnavailableError(PAST_LOGS_NOT_CONFIGURED);
    const { cluster: shared } = requireCluster();
    const c = await forModel(entity, shared, credentials);
    // the current runs say which pods exist and their windows; a deleted pod is allowed by name
    const current = await modelRuns(model, entity, credentials).catch(
      () => undefined,
    );
    return searchRunPastLogs({
      source,
      model,
      namespace: c.trainingNamespace,
      current,
      request: o,
      now: now(),
    });
  };
  return service;
}
