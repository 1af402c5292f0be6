import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_NAMESPACE,
  isDnsLabel,
  isLabelValue,
  ObservationAlert,
  PartialFailure,
  ObservationEvent,
  ObservationPanel,
  ObservationResponse,
  ObservationWorkload,
} from '@kaml-d/plugin-kaml-d-common';
import {
  isTrustedOrigin,
  SERVICE_ACCOUNT_DIR,
} from '@kaml-d/plugin-kaml-d-node';
import { ClusterOverview, createClusterOverviewReader } from './overview';
import { createSreOverview } from './sreOverview';
import { partialFailure } from '../partialFailure';
import { decideHeadline } from './headline';
import { buildLink } from './links';
import {
  ANNOTATION_TRACE_SERVICE,
  entityTelemetry,
} from '../Telemetry/entityLinks';
import {
  ClusterReader,
  KubernetesTarget,
  createClusterReader,
  kubeConfigFor,
  validateLabelSelector,
} from './kubernetes';
import {
  PrometheusClient,
  createPrometheusClient,
  matchAlerts,
} from './prometheus';
import { PANEL_PRESETS, fillTemplate, queryPlaceholders } from './promql';
import { chooseStep, parseRange } from './range';
import { matrixToSeries } from './series';
import { ObservationConfig, ObservationService } from './types';

/** The label selector core's Kubernetes plugin reads too. */
export const ANNOTATION_KUBERNETES_LABEL_SELECTOR =
  'backstage.io/kubernetes-label-selector';

/** Annotation prefix of per-entity query overrides: `kaml-d.io/promql-latency`. */
export const ANNOTATION_PROMQL_PREFIX = 'kaml-d.io/promql-';

const SERVING_PANELS = [
  'requestRate',
  'latency',
  'errorRatio',
  'gpuUtil',
  'gpuMemory',
  'cpu',
  'memory',
];
/** The panels each kind shows. */
export const PANELS_BY_KIND: Record<string, string[]> = {
  model: [...SERVING_PANELS, 'trainingLoss', 'trainingEpoch'],
  component: SERVING_PANELS,
  api: SERVING_PANELS,
  dataset: ['cpu', 'memory'],
};

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Builds the service from parsed config; readers and clients can be replaced in tests. */
export function createObservationService(options: {
  config: ObservationConfig;
  catalog: CatalogService;
  cache: CacheService;
  logger: LoggerService;
  clusterReaders?: Array<{
    name: string;
    read: ClusterReader;
    overview: () => Promise<ClusterOverview>;
  }>;
  prometheus?: PrometheusClient[];
  now?: () => number;
}): ObservationService {
  const { config, catalog, logger } = options;
  const cache = options.cache.withOptions({
    defaultTtl: { seconds: config.cacheSeconds },
  });
  const now = options.now ?? Date.now;
  // the pod's service account, when the pod has one mounted (else nothing to observe, as before)
  const inCluster =
    config.clusters.length === 0 &&
    config.inCluster &&
    Boolean(process.env.KUBERNETES_SERVICE_HOST) &&
    existsSync(join(SERVICE_ACCOUNT_DIR, 'token'));
  const clusterReaders =
    options.clusterReaders ??
    (inCluster ? (['in-cluster'] as const) : config.clusters).map(cluster => ({
      name: cluster === 'in-cluster' ? cluster : cluster.name,
      read: createClusterReader({
        cluster,
        customResources: config.customResources,
        eventMaxAgeMinutes: config.eventMaxAgeMinutes,
      }),
      overview: createClusterOverviewReader(
        cluster === 'in-cluster' ? cluster : cluster.name,
        kubeConfigFor(cluster),
      ),
    }));
  const prometheus =
    options.prometheus ??
    config.prometheus.map(p => createPrometheusClient(p, config.timeoutMs));

  async function readKubernetes(entity: Entity, errors: PartialFailure[]) {
    const workloads: ObservationWorkload[] = [];
    const events: ObservationEvent[] = [];
    if (clusterReaders.length === 0) return { workloads, events };
    const annotations = entity.metadata.annotations ?? {};
    const id = annotations[ANNOTATION_KUBERNETES_ID] ?? entity.metadata.name;
    const namespace = annotations[ANNOTATION_KUBERNETES_NAMESPACE] ?? 'default';
    const custom = annotations[ANNOTATION_KUBERNETES_LABEL_SELECTOR];
    let labelSelector: string | undefined;
    if (custom) labelSelector = validateLabelSelector(custom);
    else if (isLabelValue(id)) labelSelector = `app.kubernetes.io/name=${id}`;
    if (!labelSelector || !isDnsLabel(namespace)) {
      errors.push({
        source: 'kubernetes',
        name: 'annotations',
        message: !labelSelector
          ? `${
              custom
                ? ANNOTATION_KUBERNETES_LABEL_SELECTOR
                : ANNOTATION_KUBERNETES_ID
            } is not a valid Kubernetes label selector or label value`
          : `${ANNOTATION_KUBERNETES_NAMESPACE} "${namespace}" is not a valid namespace name`,
      });
      return { workloads, events };
    }
    const target: KubernetesTarget = { namespace, labelSelector };
    const answers = await Promise.allSettled(
      clusterReaders.map(r => r.read(target)),
    );
    answers.forEach((answer, i) => {
      if (answer.status === 'fulfilled') {
        workloads.push(...answer.value.workloads);
        events.push(...answer.value.events);
      } else {
        errors.push(
          partialFailure(
            'kubernetes',
            clusterReaders[i].name,
            `Kubernetes cluster unreachable or refused: ${message(
              answer.reason,
            )}`,
            answer.reason,
          ),
        );
      }
    });
    return { workloads, events };
  }

  async function readPrometheus(
    entity: Entity,
    rangeSeconds: number,
    stepSeconds: number,
    errors: PartialFailure[],
  ) {
    const panels: ObservationPanel[] = [];
    const alerts: ObservationAlert[] = [];
    if (prometheus.length === 0) return { panels, alerts };
    const annotations = entity.metadata.annotations ?? {};
    const target = {
      id: annotations[ANNOTATION_KUBERNETES_ID] ?? entity.metadata.name,
      namespace: annotations[ANNOTATION_KUBERNETES_NAMESPACE],
    };
    const placeholders = queryPlaceholders(target, stepSeconds);
    const end = Math.floor(now() / 1000 / stepSeconds) * stepSeconds;
    const start = end - rangeSeconds;
    const panelIds =
      PANELS_BY_KIND[entity.kind.toLocaleLowerCase('en-US')] ?? SERVING_PANELS;
    const failed = new Set<string>();
    const fail = (source: string, error: unknown) => {
      if (failed.has(source)) return;
      failed.add(source);
      errors.push(partialFailure('prometheus', source, message(error), error));
    };

    // an annotation's query runs verbatim with the portal's Prometheus access: honoured only on
    // entities from an origin an admin vouches for, ignored with a note on all others
    const trusted = isTrustedOrigin(entity, config);
    const panelWork = panelIds.map(async id => {
      const preset = PANEL_PRESETS[id];
      const annotation = `${ANNOTATION_PROMQL_PREFIX}${id}`;
      const override = annotations[annotation];
      if (override !== undefined && !trusted) {
        errors.push({
          source: 'prometheus',
          name: `panel ${id}`,
          message: `${annotation} is ignored: the entity does not come from an origin listed in kamlD.bindings.trustedOrigins, and an annotation's query runs verbatim. The panel shows the ${
            config.queries[id] ? 'install' : 'preset'
          } query; move the override to kamlD.observation.queries.${id}, or ask an admin to trust the entity's origin.`,
        });
      }
      let query: string;
      try {
        query = fillTemplate(
          (trusted ? override : undefined) ??
            config.queries[id] ??
            preset.query,
          placeholders,
        );
      } catch (error) {
        errors.push({
          source: 'prometheus',
          name: `panel ${id}`,
          message: message(error),
        });
        return;
      }
      const answers = await Promise.allSettled(
        prometheus.map(p => p.queryRange(query, start, end, stepSeconds)),
      );
      const panel: ObservationPanel = {
        id,
        title: preset.title,
        unit: preset.unit,
        series: [],
      };
      answers.forEach((answer, i) => {
        if (answer.status === 'rejected') {
          fail(prometheus[i].name, answer.reason);
          return;
        }
        const series = matrixToSeries(
          answer.value,
          preset.legend,
          preset.title,
        );
        if (series.length && !panel.source) panel.source = prometheus[i].name;
        panel.series.push(
          ...(prometheus.length > 1
            ? series.map(s => ({
                ...s,
                label: `${prometheus[i].name}: ${s.label}`,
              }))
            : series),
        );
      });
      panels.push(panel);
    });
    const alertWork = prometheus.map(async p => {
      try {
        alerts.push(...matchAlerts(await p.alerts(), target, p.name));
      } catch (error) {
        fail(p.name, error);
      }
    });
    await Promise.all([...panelWork, ...alertWork]);
    panels.sort((a, b) => panelIds.indexOf(a.id) - panelIds.indexOf(b.id));
    return { panels, alerts };
  }

  const overview = createSreOverview({
    catalog,
    clusterReaders,
    prometheus,
    now,
  });

  return {
    overview,
    async observe(ref, range, credentials) {
      const rangeSeconds = parseRange(range);
      const entityRef = stringifyEntityRef(ref);
      const entity = await catalog.getEntityByRef(ref, { credentials });
      if (!entity) {
        throw new NotFoundError(`No entity ${entityRef} in the catalog`);
      }
      // the catalog read above checks the caller may see the entity; the answer is then shared
      const key = `observation:${entityRef}:${range}`;
      const cached = await cache.get(key);
      if (typeof cached === 'string') {
        return JSON.parse(cached) as ObservationResponse;
      }
      const stepSeconds = chooseStep(rangeSeconds);
      const errors: PartialFailure[] = [];
      const [kube, prom] = await Promise.all([
        readKubernetes(entity, errors),
        readPrometheus(entity, rangeSeconds, stepSeconds, errors),
      ]);
      const annotations = entity.metadata.annotations ?? {};
      const id = annotations[ANNOTATION_KUBERNETES_ID] ?? entity.metadata.name;
      const observed = entityTelemetry(config.telemetry, {
        namespace: annotations[ANNOTATION_KUBERNETES_NAMESPACE] ?? 'default',
        id,
        service: annotations[ANNOTATION_TRACE_SERVICE] ?? id,
        workloads: kube.workloads,
        window: { startMs: now() - rangeSeconds * 1000, endMs: now() },
      });
      const configured = {
        kubernetes: clusterReaders.length > 0,
        prometheus: prometheus.length > 0,
        ...observed.configured,
      };
      const answer: ObservationResponse = {
        entityRef,
        range,
        stepSeconds,
        headline: decideHeadline({
          configured,
          workloads: kube.workloads,
          panels: prom.panels,
          alerts: prom.alerts,
          errors,
        }),
        configured,
        workloads: observed.workloads,
        events: kube.events,
        panels: prom.panels,
        alerts: prom.alerts,
        errors,
        links: config.links.flatMap(link => {
          const url = buildLink(link.url, {
            id:
              entity.metadata.annotations?.[ANNOTATION_KUBERNETES_ID] ??
              entity.metadata.name,
            namespace:
              entity.metadata.annotations?.[ANNOTATION_KUBERNETES_NAMESPACE] ??
              'default',
            name: entity.metadata.name,
            kind: entity.kind.toLocaleLowerCase('en-US'),
          });
          return url ? [{ title: link.title, url }] : [];
        }),
        ...(observed.telemetry ? { telemetry: observed.telemetry } : {}),
        observedAt: new Date(now()).toISOString(),
      };
      if (errors.length) {
        logger.debug(
          `Observation of ${entityRef} partly failed: ${errors
            .map(e => e.message)
            .join('; ')}`,
        );
      }
      await cache.set(key, JSON.stringify(answer));
      return answer;
    },
  };
}
