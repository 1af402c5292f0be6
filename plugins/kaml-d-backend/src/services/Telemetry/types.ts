import { LokiLabels } from './logql';

/** Document fields of logs shipped to Elasticsearch/OpenSearch (Kibana queries use them too). */
export interface LogFields {
  namespace: string;
  pod: string;
  container: string;
  message: string;
  timestamp: string;
}

/** `kamlD.observation.logs` and `kamlD.observation.traces`, parsed once. */
export interface TelemetryConfig {
  logs: {
    /** Grafana Explore with a Loki data source (uid). */
    grafana?: { url: string; datasource: string };
    /** Kibana Discover with a data view (id). */
    kibana?: { url: string; dataView: string };
    /** OpenSearch Dashboards Discover (2.10+) with an index pattern (id). */
    opensearchDashboards?: { url: string; indexPattern: string };
    /** Loki's HTTP API, searched for past logs. */
    loki?: { url: string; tenant?: string };
    /** Elasticsearch or OpenSearch, searched for past logs. */
    elasticsearch?: {
      url: string;
      index: string;
      apiKey?: string;
      username?: string;
      password?: string;
    };
    fields: LogFields;
    labels: LokiLabels;
  };
  traces: {
    jaeger?: { url: string };
    /** Grafana Explore with a Tempo data source (uid). */
    grafana?: { url: string; datasource: string };
  };
}

/** A time window in milliseconds since the epoch. */
export interface TimeWindow {
  startMs: number;
  endMs: number;
}

/** What a Logs/Traces link points at. */
export interface TelemetryTarget {
  namespace: string;
  /** Exact pod names. */
  pods?: string[];
  /** Pod name prefixes (a Deployment's or Job's name and `-`). */
  podPrefixes?: string[];
  container?: string;
  /** The service name traces carry (OpenTelemetry `service.name`). */
  service?: string;
  window: TimeWindow;
}
