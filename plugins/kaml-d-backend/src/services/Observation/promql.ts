import { InputError } from '@backstage/errors';
import { rateWindowSeconds } from './range';

/**
 * Escapes a value for a double-quoted PromQL string literal (`{model="<here>"}`): backslash,
 * double quote and the control characters Go's string syntax would otherwise interpret.
 */
export function escapePromqlString(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
}

/** Escapes RE2 metacharacters so that a value matches only itself inside `=~`. */
export function escapePromqlRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** One label matcher; the value is escaped when rendered, never spliced raw. */
export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Renders matchers as `{a="x",b=~"y"}`; label names must be valid PromQL identifiers. */
export function renderSelector(matchers: LabelMatcher[]): string {
  return `{${matchers
    .map(m => {
      if (!LABEL_NAME.test(m.name)) {
        throw new InputError(
          `"${m.name}" is not a valid Prometheus label name`,
        );
      }
      return `${m.name}${m.op}"${escapePromqlString(m.value)}"`;
    })
    .join(',')}}`;
}

/** What a preset query is about: the entity's labels in Prometheus. */
export interface QueryTarget {
  /** `backstage.io/kubernetes-namespace`. */
  namespace?: string;
  /** `backstage.io/kubernetes-id`: the `model` label and the pods' name prefix. */
  id: string;
}

/** The placeholders a preset, a config override or an annotation override may use. */
export function queryPlaceholders(
  target: QueryTarget,
  stepSeconds: number,
): Record<string, string> {
  const namespace: LabelMatcher[] = target.namespace
    ? [{ name: 'namespace', op: '=', value: target.namespace }]
    : [];
  return {
    selector: renderSelector([
      ...namespace,
      { name: 'model', op: '=', value: target.id },
    ]),
    errorSelector: renderSelector([
      ...namespace,
      { name: 'model', op: '=', value: target.id },
      { name: 'code', op: '=~', value: '5..' },
    ]),
    podSelector: renderSelector([
      ...namespace,
      { name: 'pod', op: '=~', value: `${escapePromqlRegex(target.id)}-.*` },
    ]),
    window: `${rateWindowSeconds(stepSeconds)}s`,
  };
}

/** Replaces `{{selector}}`, `{{errorSelector}}`, `{{podSelector}}` and `{{window}}`; unknown placeholders stay an error. */
export function fillTemplate(
  template: string,
  values: Record<string, string>,
): string {
  return template.replace(/\{\{\s*([a-zA-Z]+)\s*\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) {
      throw new InputError(
        `Unknown placeholder {{${key}}} in a PromQL template; use {{selector}}, {{errorSelector}}, {{podSelector}} or {{window}}`,
      );
    }
    return value;
  });
}

/** A chart the Health tab can show, with its preset query. */
export interface PanelPreset {
  id: string;
  title: string;
  unit: string;
  query: string;
  /** Labels whose values name each series; the title when none is present. */
  legend: string[];
}

const LATENCY_QUANTILES: Array<[string, number]> = [
  ['p50', 0.5],
  ['p95', 0.95],
  ['p99', 0.99],
];

/**
 * The preset panels. One query per panel (the latency quantiles are joined with `or` and told
 * apart by a `quantile` label), aggregated by label, never one query per pod.
 */
export const PANEL_PRESETS: Record<string, PanelPreset> = {
  requestRate: {
    id: 'requestRate',
    title: 'Request rate',
    unit: 'reqps',
    query:
      'sum by (code) (rate(kaml_inference_requests_total{{selector}}[{{window}}]))',
    legend: ['code'],
  },
  latency: {
    id: 'latency',
    title: 'Latency',
    unit: 'seconds',
    query: LATENCY_QUANTILES.map(
      ([name, q]) =>
        `label_replace(histogram_quantile(${q}, sum by (le) (rate(kaml_inference_request_duration_seconds_bucket{{selector}}[{{window}}]))), "quantile", "${name}", "", "")`,
    ).join(' or '),
    legend: ['quantile'],
  },
  errorRatio: {
    id: 'errorRatio',
    title: 'Error ratio (5xx)',
    unit: 'ratio',
    query:
      'sum(rate(kaml_inference_requests_total{{errorSelector}}[{{window}}])) / sum(rate(kaml_inference_requests_total{{selector}}[{{window}}]))',
    legend: [],
  },
  gpuUtil: {
    id: 'gpuUtil',
    title: 'GPU utilisation',
    unit: 'percent',
    query: 'avg by (pod) (DCGM_FI_DEV_GPU_UTIL{{selector}})',
    legend: ['pod'],
  },
  gpuMemory: {
    id: 'gpuMemory',
    title: 'GPU memory used',
    unit: 'mebibytes',
    query: 'sum by (pod) (DCGM_FI_DEV_FB_USED{{selector}})',
    legend: ['pod'],
  },
  cpu: {
    id: 'cpu',
    title: 'CPU',
    unit: 'cores',
    query:
      'sum by (pod) (rate(container_cpu_usage_seconds_total{{podSelector}}[{{window}}]))',
    legend: ['pod'],
  },
  memory: {
    id: 'memory',
    title: 'Memory',
    unit: 'bytes',
    query: 'sum by (pod) (container_memory_working_set_bytes{{podSelector}})',
    legend: ['pod'],
  },
  trainingLoss: {
    id: 'trainingLoss',
    title: 'Training loss',
    unit: 'none',
    query: 'max by (pod) (kaml_training_loss{{selector}})',
    legend: ['pod'],
  },
  trainingEpoch: {
    id: 'trainingEpoch',
    title: 'Training epoch',
    unit: 'none',
    query: 'max by (pod) (kaml_training_epoch{{selector}})',
    legend: ['pod'],
  },
};
