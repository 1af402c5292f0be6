/** The Loki labels that hold a log line's namespace, pod and container. */
export interface LokiLabels {
  namespace: string;
  pod: string;
  container: string;
}

/** Labels set by Grafana Alloy / Promtail's Kubernetes discovery and the Loki Helm chart. */
export const DEFAULT_LOKI_LABELS: LokiLabels = {
  namespace: 'namespace',
  pod: 'pod',
  container: 'container',
};

/** What a log query selects: one namespace, some pods (by name or a name pattern), text. */
export interface LogSelection {
  namespace: string;
  /** Exact pod names (matched as an alternation). */
  pods?: string[];
  /** Name prefixes of pods, such as a Deployment's or a Job's name followed by `-`. */
  podPrefixes?: string[];
  container?: string;
  /** A substring each line must contain (case-sensitive, as Loki's `|=`). */
  text?: string;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A LogQL (and PromQL) double-quoted string literal: backslash, double quote and control
 * characters escaped the way Go's strconv.Unquote reads them.
 */
export function logqlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) {
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** Escapes RE2 metacharacters so the text matches itself only. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

function labelName(name: string, key: string): string {
  if (!LABEL_NAME.test(name)) {
    throw new Error(
      `kamlD.observation.logs.labels.${key} "${name}" is not a Loki label name (letters, digits, _; not starting with a digit)`,
    );
  }
  return name;
}

/**
 * The LogQL query of a selection: `{namespace="ns", pod=~"a|b|c-.*", container="x"} |= "text"`.
 * Every value is a quoted literal, pod names are regex-escaped, so no input changes the query's
 * shape. With neither pods nor prefixes, the whole namespace is selected.
 */
export function buildLogQL(
  selection: LogSelection,
  labels: LokiLabels = DEFAULT_LOKI_LABELS,
): string {
  const matchers = [
    `${labelName(labels.namespace, 'namespace')}=${logqlString(
      selection.namespace,
    )}`,
  ];
  const alternatives = [
    ...(selection.pods ?? []).map(escapeRegex),
    ...(selection.podPrefixes ?? []).map(p => `${escapeRegex(p)}.*`),
  ];
  if (alternatives.length === 1 && selection.pods?.length === 1) {
    matchers.push(
      `${labelName(labels.pod, 'pod')}=${logqlString(selection.pods[0])}`,
    );
  } else if (alternatives.length) {
    matchers.push(
      `${labelName(labels.pod, 'pod')}=~${logqlString(alternatives.join('|'))}`,
    );
  }
  if (selection.container) {
    matchers.push(
      `${labelName(labels.container, 'container')}=${logqlString(
        selection.container,
      )}`,
    );
  }
  const filter = selection.text ? ` |= ${logqlString(selection.text)}` : '';
  return `{${matchers.join(', ')}}${filter}`;
}
