import type { PartialFailure } from './partialFailures';

/**
 * Overall state of an entity in the Observation Hub: `healthy` (green); `degraded` (amber: a
 * warning alert fires or some workloads are unhealthy); `unhealthy` (red: a critical alert fires
 * or a Deployment is unavailable); `down` (red: no workload is healthy); `unknown` (nothing found).
 *
 * @public
 */
export type ObservationStatus =
  | 'healthy'
  | 'degraded'
  | 'unhealthy'
  | 'down'
  | 'unknown';

/**
 * A condition of a workload (`Available`, `Ready`, `Complete`, a custom resource's own types).
 *
 * @public
 */
export interface ObservationCondition {
  type: string;
  /** `True`, `False` or `Unknown`, as Kubernetes writes it. */
  status: string;
  reason?: string;
  message?: string;
}

/**
 * A Deployment, pod, Job or custom resource behind an entity.
 *
 * @public
 */
export interface ObservationWorkload {
  /** Name of the configured cluster it was read from. */
  cluster: string;
  kind: string;
  namespace: string;
  name: string;
  /** Short state in words: `Running`, `CrashLoopBackOff`, `2/2 ready`, `Complete`, `Failed`. */
  phase: string;
  /** Whether this workload counts as working. */
  healthy: boolean;
  /** Container restarts (pods only). */
  restarts?: number;
  conditions: ObservationCondition[];
  /** Logs and traces of this workload's pods over the range, in the configured tools. */
  telemetry?: ObservationTelemetryLinks;
}

/**
 * A deep link into a log or trace tool.
 *
 * @public
 */
export interface ObservationToolLink {
  /** `grafana`, `kibana`, `opensearchDashboards`, `jaeger` or `tempo`. */
  tool: string;
  /** Text of the button, such as `Grafana (Loki)`. */
  title: string;
  url: string;
}

/**
 * Links to the logs and traces of an entity, a workload or a run; empty lists when no tool of
 * that kind is configured (`kamlD.observation.logs`, `kamlD.observation.traces`).
 *
 * @public
 */
export interface ObservationTelemetryLinks {
  logs: ObservationToolLink[];
  traces: ObservationToolLink[];
}

/**
 * A recent Warning event of one of the workloads.
 *
 * @public
 */
export interface ObservationEvent {
  cluster: string;
  /** `Kind/name` of the object the event is about. */
  object: string;
  reason: string;
  message: string;
  count: number;
  /** ISO time the event was last seen. */
  lastSeen?: string;
}

/**
 * One line of a chart: points as `[unix seconds, value]`.
 *
 * @public
 */
export interface ObservationSeries {
  /** Text of the legend, such as `p95` or a pod name. */
  label: string;
  points: Array<[number, number]>;
}

/**
 * One chart of the Health tab: a preset or overridden PromQL query over the range.
 *
 * @public
 */
export interface ObservationPanel {
  /** Stable id: `requestRate`, `latency`, `errorRatio`, `gpuUtil`, `gpuMemory`, `cpu`, `memory`, `trainingLoss`, `trainingEpoch`. */
  id: string;
  title: string;
  /** `reqps`, `seconds`, `ratio`, `percent`, `bytes`, `cores`, `mebibytes` or `none`. */
  unit: string;
  /** Name of the Prometheus instance that answered. */
  source?: string;
  series: ObservationSeries[];
}

/**
 * A firing alert whose labels match the entity.
 *
 * @public
 */
export interface ObservationAlert {
  name: string;
  severity?: string;
  summary?: string;
  /** ISO time since when it is active. */
  activeAt?: string;
  /** Name of the Prometheus instance that reported it. */
  source: string;
  labels: Record<string, string>;
}

/**
 * Answer of `GET /api/kaml-d/observation/:namespace/:kind/:name?range=1h`.
 *
 * @public
 */
export interface ObservationResponse {
  entityRef: string;
  /** The range asked for, such as `1h`. */
  range: string;
  /** Seconds between points of the series. */
  stepSeconds: number;
  headline: { status: ObservationStatus; reason: string };
  /** What is configured; both false means the tab should say what to configure. */
  configured: {
    kubernetes: boolean;
    prometheus: boolean;
    /** A log tool (Grafana/Loki, Kibana, OpenSearch Dashboards) is configured. */
    logs?: boolean;
    /** A trace tool (Jaeger, Grafana/Tempo) is configured. */
    traces?: boolean;
  };
  workloads: ObservationWorkload[];
  events: ObservationEvent[];
  panels: ObservationPanel[];
  alerts: ObservationAlert[];
  errors: PartialFailure[];
  /** Deep links to dashboards, traces and logs configured in `kamlD.observation.links`. */
  links: Array<{ title: string; url: string }>;
  /** Logs and traces of all the entity's pods over the range (its kubernetes id's when none is found). */
  telemetry?: ObservationTelemetryLinks;
  /** ISO time the answer was assembled (it may come from a short cache). */
  observedAt: string;
}

/**
 * A cluster node on the SRE page.
 *
 * @public
 */
export interface SreNode {
  cluster: string;
  name: string;
  ready: boolean;
  /** `nvidia.com/gpu` the node can hand out. */
  gpuAllocatable: number;
  /** `nvidia.com/gpu` requested by its running pods. */
  gpuRequested: number;
  /** Mean DCGM utilisation of its GPUs, in percent, when Prometheus has it. */
  gpuUtilisation?: number;
}

/**
 * A Job or Deployment that is not working, with the catalog entity it belongs to when known.
 *
 * @public
 */
export interface SreWorkloadRow extends ObservationWorkload {
  /** `kind:namespace/name` of the entity whose `backstage.io/kubernetes-id` labels it. */
  entityRef?: string;
}

/**
 * Answer of `GET /api/kaml-d/observation/sre`: the platform at a glance.
 *
 * @public
 */
export interface SreOverviewResponse {
  configured: { kubernetes: boolean; prometheus: boolean };
  nodes: SreNode[];
  failingRuns: SreWorkloadRow[];
  unhealthyEndpoints: SreWorkloadRow[];
  alerts: Array<ObservationAlert & { entityRef?: string }>;
  errors: PartialFailure[];
  observedAt: string;
}
