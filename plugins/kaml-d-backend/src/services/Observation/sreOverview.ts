import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KUBERNETES_ID,
  PartialFailure,
  SreOverviewResponse,
  SreWorkloadRow,
} from '@kaml-d/plugin-kaml-d-common';
import { partialFailure } from '../partialFailure';
import { ClusterOverview } from './overview';
import { PrometheusClient } from './prometheus';

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The SRE overview across clusters and Prometheus instances: nodes and GPU use, failing runs,
 * unhealthy endpoints and firing alerts, each linked to the Model or Component the caller may
 * see; a source that fails is reported in `errors` beside what did load.
 */
export function createSreOverview(options: {
  catalog: CatalogService;
  clusterReaders: Array<{
    name: string;
    overview: () => Promise<ClusterOverview>;
  }>;
  prometheus: PrometheusClient[];
  now: () => number;
}): (credentials: BackstageCredentials) => Promise<SreOverviewResponse> {
  const { catalog, clusterReaders, prometheus, now } = options;

  /** kubernetes id → entity ref, over the Models and Components the caller may see (Models win). */
  async function entitiesById(credentials: BackstageCredentials) {
    const { items } = await catalog.getEntities(
      {
        filter: [{ kind: 'Model' }, { kind: 'Component' }],
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
      },
      { credentials },
    );
    const byId = new Map<string, string>();
    for (const entity of items) {
      const id = entity.metadata.annotations?.[ANNOTATION_KUBERNETES_ID];
      if (!id) continue;
      if (!byId.has(id) || entity.kind === 'Model')
        byId.set(id, stringifyEntityRef(entity));
    }
    return byId;
  }

  async function overview(credentials: BackstageCredentials) {
    const errors: PartialFailure[] = [];
    const byId = await entitiesById(credentials);
    const link = (id: string | undefined) => (id ? byId.get(id) : undefined);
    const answer: SreOverviewResponse = {
      configured: {
        kubernetes: clusterReaders.length > 0,
        prometheus: prometheus.length > 0,
      },
      nodes: [],
      failingRuns: [],
      unhealthyEndpoints: [],
      alerts: [],
      errors,
      observedAt: new Date(now()).toISOString(),
    };
    const rows = (list: ClusterOverview['failingRuns']): SreWorkloadRow[] =>
      list.map(({ id, workload }) => ({ ...workload, entityRef: link(id) }));
    const gpuByHost = new Map<string, number>();
    await Promise.all([
      ...clusterReaders.map(async reader => {
        try {
          const o = await reader.overview();
          answer.nodes.push(...o.nodes);
          answer.failingRuns.push(...rows(o.failingRuns));
          answer.unhealthyEndpoints.push(...rows(o.unhealthyEndpoints));
        } catch (error) {
          errors.push(
            partialFailure(
              'kubernetes',
              reader.name,
              `Kubernetes cluster unreachable or refused: ${message(error)}`,
              error,
            ),
          );
        }
      }),
      ...prometheus.map(async p => {
        try {
          const [alerts, util] = await Promise.all([
            p.alerts(),
            p.query('avg by (Hostname) (DCGM_FI_DEV_GPU_UTIL)'),
          ]);
          for (const a of alerts.filter(x => x.state === 'firing')) {
            const id = a.labels.model ?? a.labels.app ?? a.labels.service;
            answer.alerts.push({
              name: a.labels.alertname ?? 'unnamed alert',
              severity: a.labels.severity,
              summary: a.annotations?.summary ?? a.annotations?.description,
              activeAt: a.activeAt,
              source: p.name,
              labels: a.labels,
              entityRef: link(id),
            });
          }
          for (const u of util) {
            const v = Number(u.value[1]);
            if (u.metric.Hostname && Number.isFinite(v))
              gpuByHost.set(u.metric.Hostname, v);
          }
        } catch (error) {
          errors.push(
            partialFailure('prometheus', p.name, message(error), error),
          );
        }
      }),
    ]);
    for (const node of answer.nodes) {
      const util = gpuByHost.get(node.name);
      if (util !== undefined) node.gpuUtilisation = util;
    }
    answer.nodes.sort((a, b) => a.name.localeCompare(b.name));
    return answer;
  }

  return overview;
}
