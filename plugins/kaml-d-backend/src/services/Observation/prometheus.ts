import { ObservationAlert } from '@kaml-d/plugin-kaml-d-common';
import { PrometheusMatrixEntry } from './series';
import { ObservationPrometheusConfig } from './types';

interface PrometheusAnswer<T> {
  status: 'success' | 'error';
  data?: T;
  error?: string;
}

/** A firing or pending alert as `/api/v1/alerts` lists it. */
export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  state: string;
  activeAt?: string;
}

/** Talks to one Prometheus over its HTTP API; errors are thrown with the instance's name. */
export interface PrometheusClient {
  name: string;
  queryRange(
    query: string,
    start: number,
    end: number,
    step: number,
  ): Promise<PrometheusMatrixEntry[]>;
  alerts(): Promise<PrometheusAlert[]>;
  /** An instant query; only `vector` answers are returned. */
  query(
    query: string,
  ): Promise<
    Array<{ metric: Record<string, string>; value: [number, string] }>
  >;
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    if (cause instanceof Error && cause.message)
      return `${error.message}: ${cause.message}`;
    return error.message;
  }
  return String(error);
}

/** A client of one Prometheus; the query travels as a form body, so it is encoded, not spliced. */
export function createPrometheusClient(
  instance: ObservationPrometheusConfig,
  timeoutMs: number,
): PrometheusClient {
  async function call<T>(path: string, body?: URLSearchParams): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${instance.url}${path}`, {
        method: body ? 'POST' : 'GET',
        body,
        headers: body
          ? { 'Content-Type': 'application/x-www-form-urlencoded' }
          : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new Error(
        `Prometheus unreachable at ${instance.url} (${describeFailure(error)})`,
      );
    }
    let answer: PrometheusAnswer<T> | undefined;
    try {
      answer = (await response.json()) as PrometheusAnswer<T>;
    } catch {
      answer = undefined;
    }
    if (
      !response.ok ||
      answer?.status !== 'success' ||
      answer.data === undefined
    ) {
      // the status travels with the error into the answer's `errors`
      throw Object.assign(
        new Error(
          `Prometheus answered ${response.status}${
            answer?.error ? `: ${answer.error}` : ''
          }`,
        ),
        response.ok ? {} : { statusCode: response.status },
      );
    }
    return answer.data;
  }
  return {
    name: instance.name,
    async queryRange(query, start, end, step) {
      const data = await call<{
        resultType: string;
        result: PrometheusMatrixEntry[];
      }>(
        '/api/v1/query_range',
        new URLSearchParams({
          query,
          start: String(start),
          end: String(end),
          step: String(step),
        }),
      );
      return data.resultType === 'matrix' ? data.result : [];
    },
    async query(query) {
      const data = await call<{
        resultType: string;
        result: Array<{
          metric: Record<string, string>;
          value: [number, string];
        }>;
      }>('/api/v1/query', new URLSearchParams({ query }));
      return data.resultType === 'vector' ? data.result : [];
    },
    async alerts() {
      const data = await call<{ alerts: PrometheusAlert[] }>('/api/v1/alerts');
      return data.alerts;
    },
  };
}

const ENTITY_LABELS = ['model', 'app', 'service', 'deployment', 'job_name'];

/**
 * Firing alerts about the entity: one of its identifying labels equals the kubernetes id, or
 * its `pod` starts with `<id>-`; an alert with a `namespace` label must name the entity's.
 */
export function matchAlerts(
  alerts: PrometheusAlert[],
  target: { id: string; namespace?: string },
  source: string,
): ObservationAlert[] {
  return alerts
    .filter(a => a.state === 'firing')
    .filter(
      a =>
        !target.namespace ||
        !a.labels.namespace ||
        a.labels.namespace === target.namespace,
    )
    .filter(
      a =>
        ENTITY_LABELS.some(l => a.labels[l] === target.id) ||
        (a.labels.pod ?? '').startsWith(`${target.id}-`),
    )
    .map(a => ({
      name: a.labels.alertname ?? 'unnamed alert',
      severity: a.labels.severity,
      summary: a.annotations?.summary ?? a.annotations?.description,
      activeAt: a.activeAt,
      source,
      labels: a.labels,
    }));
}
