import { Config } from '@backstage/config';
import { DEFAULT_LOKI_LABELS } from './logql';
import { LogFields, TelemetryConfig } from './types';

/** ECS fields that Filebeat and Elastic Agent write for Kubernetes container logs. */
export const DEFAULT_LOG_FIELDS: LogFields = {
  namespace: 'kubernetes.namespace',
  pod: 'kubernetes.pod.name',
  container: 'kubernetes.container.name',
  message: 'message',
  timestamp: '@timestamp',
};

function baseUrl(config: Config, key: string): string {
  const value = config.getString(key);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `kamlD.observation.${key} "${value}" is not a URL; write it as https://host[:port][/path]`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`kamlD.observation.${key} must be an http or https URL`);
  }
  return value.replace(/\/+$/, '');
}

/** Reads `kamlD.observation.logs` and `kamlD.observation.traces`; a wrong value fails at start. */
export function readTelemetryConfig(root: Config): TelemetryConfig {
  const observation = root.getOptionalConfig('kamlD.observation');
  const logs = observation?.getOptionalConfig('logs');
  const traces = observation?.getOptionalConfig('traces');
  const at = (c: Config | undefined, key: string) =>
    c?.getOptionalConfig(key) ? c : undefined;
  const urlOf = (key: string) => baseUrl(observation!, `${key}.url`);
  const s = (c: Config | undefined, key: string) => c?.getOptionalString(key);
  const fields = logs?.getOptionalConfig('fields');
  const labels = logs?.getOptionalConfig('labels');
  const es = logs?.getOptionalConfig('elasticsearch');
  return {
    logs: {
      grafana: at(logs, 'grafana') && {
        url: urlOf('logs.grafana'),
        datasource: logs!.getString('grafana.datasource'),
      },
      kibana: at(logs, 'kibana') && {
        url: urlOf('logs.kibana'),
        dataView: logs!.getString('kibana.dataView'),
      },
      opensearchDashboards: at(logs, 'opensearchDashboards') && {
        url: urlOf('logs.opensearchDashboards'),
        indexPattern: logs!.getString('opensearchDashboards.indexPattern'),
      },
      loki: at(logs, 'loki') && {
        url: urlOf('logs.loki'),
        tenant: s(logs, 'loki.tenant'),
      },
      elasticsearch: es && {
        url: urlOf('logs.elasticsearch'),
        index: es.getString('index'),
        apiKey: es.getOptionalString('apiKey'),
        username: es.getOptionalString('username'),
        password: es.getOptionalString('password'),
      },
      fields: {
        namespace: s(fields, 'namespace') ?? DEFAULT_LOG_FIELDS.namespace,
        pod: s(fields, 'pod') ?? DEFAULT_LOG_FIELDS.pod,
        container: s(fields, 'container') ?? DEFAULT_LOG_FIELDS.container,
        message: s(fields, 'message') ?? DEFAULT_LOG_FIELDS.message,
        timestamp: s(fields, 'timestamp') ?? DEFAULT_LOG_FIELDS.timestamp,
      },
      labels: {
        namespace: s(labels, 'namespace') ?? DEFAULT_LOKI_LABELS.namespace,
        pod: s(labels, 'pod') ?? DEFAULT_LOKI_LABELS.pod,
        container: s(labels, 'container') ?? DEFAULT_LOKI_LABELS.container,
      },
    },
    traces: {
      jaeger: at(traces, 'jaeger') && { url: urlOf('traces.jaeger') },
      grafana: at(traces, 'grafana') && {
        url: urlOf('traces.grafana'),
        datasource: traces!.getString('grafana.datasource'),
      },
    },
  };
}
