import {
  ObservationTelemetryLinks,
  ObservationToolLink,
} from '@kaml-d/plugin-kaml-d-common';
import { buildKql } from './kql';
import { buildLogQL, logqlString } from './logql';
import { risonParam } from './rison';
import { TelemetryConfig, TelemetryTarget, TimeWindow } from './types';

/**
 * Grafana Explore with one pane (the `panes` URL format of Grafana 10.1 and later, `schemaVersion=1`):
 * `/explore?schemaVersion=1&panes={"kamld":{datasource, queries, range}}&orgId=1`, the JSON
 * percent-encoded as one query parameter. The range is absolute, in epoch milliseconds.
 */
export function grafanaExploreUrl(
  url: string,
  datasource: { uid: string; type: string },
  query: Record<string, unknown>,
  window: TimeWindow,
): string {
  const panes = {
    kamld: {
      datasource: datasource.uid,
      queries: [{ refId: 'A', datasource, ...query }],
      range: { from: String(window.startMs), to: String(window.endMs) },
    },
  };
  return `${url}/explore?schemaVersion=1&panes=${encodeURIComponent(
    JSON.stringify(panes),
  )}&orgId=1`;
}

/** Kibana Discover (7.x/8.x): `_g` holds the absolute time, `_a` the data view and KQL query. */
export function kibanaDiscoverUrl(
  url: string,
  dataView: string,
  kql: string,
  window: TimeWindow,
): string {
  const g = risonParam({
    time: {
      from: new Date(window.startMs).toISOString(),
      to: new Date(window.endMs).toISOString(),
    },
  });
  const a = risonParam({
    index: dataView,
    query: { language: 'kuery', query: kql },
  });
  return `${url}/app/discover#/?_g=${g}&_a=${a}`;
}

/** OpenSearch Dashboards Discover (2.10+, the data-explorer app): `_a`, `_g` and `_q`. */
export function opensearchDiscoverUrl(
  url: string,
  indexPattern: string,
  kql: string,
  window: TimeWindow,
): string {
  const a = risonParam({
    discover: { columns: ['_source'], isDirty: false, sort: [] },
    metadata: { indexPattern, view: 'discover' },
  });
  const g = risonParam({
    filters: [],
    refreshInterval: { pause: true, value: 0 },
    time: {
      from: new Date(window.startMs).toISOString(),
      to: new Date(window.endMs).toISOString(),
    },
  });
  const q = risonParam({
    filters: [],
    query: { language: 'kuery', query: kql },
  });
  return `${url}/app/data-explorer/discover#?_a=${a}&_g=${g}&_q=${q}`;
}

/** Jaeger's search page for one service, start and end in microseconds. */
export function jaegerSearchUrl(
  url: string,
  service: string,
  window: TimeWindow,
): string {
  const params = new URLSearchParams({
    service,
    start: String(Math.floor(window.startMs) * 1000),
    end: String(Math.ceil(window.endMs) * 1000),
    limit: '20',
    lookback: 'custom',
  });
  return `${url}/search?${params.toString()}`;
}

/** The TraceQL of one service: `{resource.service.name="svc"}`. */
export function traceqlForService(service: string): string {
  return `{resource.service.name=${logqlString(service)}}`;
}

/**
 * The Logs and Traces links of a target in every configured tool; none when nothing of that kind
 * is configured, and no trace link without a service name.
 */
export function telemetryLinks(
  config: TelemetryConfig,
  target: TelemetryTarget,
): ObservationTelemetryLinks {
  const { logs: l, traces: t } = config;
  const selection = {
    namespace: target.namespace,
    pods: target.pods,
    podPrefixes: target.podPrefixes,
    container: target.container,
  };
  const logs: ObservationToolLink[] = [];
  if (l.grafana) {
    logs.push({
      tool: 'grafana',
      title: 'Grafana (Loki)',
      url: grafanaExploreUrl(
        l.grafana.url,
        { uid: l.grafana.datasource, type: 'loki' },
        { expr: buildLogQL(selection, l.labels), queryType: 'range' },
        target.window,
      ),
    });
  }
  if (l.kibana) {
    logs.push({
      tool: 'kibana',
      title: 'Kibana',
      url: kibanaDiscoverUrl(
        l.kibana.url,
        l.kibana.dataView,
        buildKql(selection, l.fields),
        target.window,
      ),
    });
  }
  if (l.opensearchDashboards) {
    logs.push({
      tool: 'opensearchDashboards',
      title: 'OpenSearch Dashboards',
      url: opensearchDiscoverUrl(
        l.opensearchDashboards.url,
        l.opensearchDashboards.indexPattern,
        buildKql(selection, l.fields),
        target.window,
      ),
    });
  }
  const traces: ObservationToolLink[] = [];
  if (target.service && t.jaeger) {
    traces.push({
      tool: 'jaeger',
      title: 'Jaeger',
      url: jaegerSearchUrl(t.jaeger.url, target.service, target.window),
    });
  }
  if (target.service && t.grafana) {
    traces.push({
      tool: 'tempo',
      title: 'Grafana (Tempo)',
      url: grafanaExploreUrl(
        t.grafana.url,
        { uid: t.grafana.datasource, type: 'tempo' },
        {
          queryType: 'traceql',
          query: traceqlForService(target.service),
          limit: 20,
        },
        target.window,
      ),
    });
  }
  return { logs, traces };
}

/** Whether any log or trace tool is configured. */
export function telemetryConfigured(config: TelemetryConfig) {
  const { logs: l, traces: t } = config;
  return {
    logs: Boolean(l.grafana || l.kibana || l.opensearchDashboards),
    traces: Boolean(t.jaeger || t.grafana),
  };
}
