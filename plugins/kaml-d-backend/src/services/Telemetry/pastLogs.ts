import { buildLogQL } from './logql';
import { TelemetryConfig, TimeWindow } from './types';

/** What a past-log search asks for: one pod (finished or deleted) of a namespace. */
export interface PastLogQuery {
  namespace: string;
  pod: string;
  container?: string;
  /** A substring (Loki `|=`) or phrase (Elasticsearch `match_phrase`) each line must contain. */
  text?: string;
  window: TimeWindow;
  /** Lines at most; the newest are kept. */
  limit: number;
}

/** One line of a past log. */
export interface PastLogLine {
  /** ISO time of the line. */
  time: string;
  pod: string;
  container?: string;
  line: string;
}

/** A store of past logs: Loki or Elasticsearch/OpenSearch. */
export interface PastLogSource {
  kind: 'loki' | 'elasticsearch';
  /** Lines oldest first; throws a sentence naming the store when it cannot answer. */
  search(query: PastLogQuery): Promise<PastLogLine[]>;
}

async function failure(store: string, response: Response): Promise<Error> {
  const body = (await response.text().catch(() => '')).slice(0, 300);
  return new Error(
    `${store} answered ${response.status} ${response.statusText}${
      body ? `: ${body}` : ''
    }`,
  );
}

function nanoseconds(ms: number): string {
  return (BigInt(Math.floor(ms)) * 1_000_000n).toString();
}

/** Loki's `query_range` API with a LogQL selector built (and escaped) by buildLogQL. */
export function createLokiLogSource(
  config: NonNullable<TelemetryConfig['logs']['loki']>,
  labels: TelemetryConfig['logs']['labels'],
  timeoutMs: number,
): PastLogSource {
  return {
    kind: 'loki',
    async search(q) {
      const params = new URLSearchParams({
        query: buildLogQL(
          {
            namespace: q.namespace,
            pods: [q.pod],
            container: q.container,
            text: q.text,
          },
          labels,
        ),
        start: nanoseconds(q.window.startMs),
        end: nanoseconds(q.window.endMs),
        limit: String(q.limit),
        direction: 'backward',
      });
      let response: Response;
      try {
        response = await fetch(
          `${config.url}/loki/api/v1/query_range?${params.toString()}`,
          {
            headers: config.tenant ? { 'X-Scope-OrgID': config.tenant } : {},
            signal: AbortSignal.timeout(timeoutMs),
          },
        );
      } catch (e) {
        throw new Error(
          `Loki ${config.url} unreachable: ${(e as Error).message}`,
        );
      }
      if (!response.ok) throw await failure('Loki', response);
      const body = (await response.json()) as {
        data?: {
          resultType?: string;
          result?: Array<{
            stream?: Record<string, string>;
            values?: Array<[string, string]>;
          }>;
        };
      };
      const lines: Array<PastLogLine & { ns: bigint }> = [];
      for (const stream of body.data?.result ?? []) {
        const s = stream.stream ?? {};
        for (const [ts, line] of stream.values ?? []) {
          const ns = BigInt(ts);
          lines.push({
            ns,
            time: new Date(Number(ns / 1_000_000n)).toISOString(),
            pod: s[labels.pod] ?? q.pod,
            container: s[labels.container],
            line,
          });
        }
      }
      lines.sort((a, b) => Number(a.ns - b.ns));
      return lines.slice(-q.limit).map(({ ns: _ns, ...line }) => line);
    },
  };
}

/** A value at a dotted path, whether the document nests objects or keeps dotted keys. */
export function pick(source: unknown, path: string): unknown {
  if (source === null || typeof source !== 'object') return undefined;
  const object = source as Record<string, unknown>;
  if (path in object) return object[path];
  const parts = path.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const head = parts.slice(0, i).join('.');
    if (head in object) {
      const found = pick(object[head], parts.slice(i).join('.'));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** A field's value; a `.keyword` sub-field (not in `_source`) is read from its parent. */
export function pickField(source: unknown, field: string): unknown {
  const value = pick(source, field);
  if (value !== undefined || !field.endsWith('.keyword')) return value;
  return pick(source, field.slice(0, -'.keyword'.length));
}

/**
 * The search body of a past-log query: term filters on the namespace, pod and container
 * fields, a range on the timestamp, and match_phrase for the text; user input only ever sits in
 * query values, never in query_string syntax.
 */
export function elasticsearchQuery(
  q: PastLogQuery,
  fields: TelemetryConfig['logs']['fields'],
): Record<string, unknown> {
  const filter: unknown[] = [
    { term: { [fields.namespace]: q.namespace } },
    { term: { [fields.pod]: q.pod } },
    {
      range: {
        [fields.timestamp]: {
          gte: new Date(q.window.startMs).toISOString(),
          lte: new Date(q.window.endMs).toISOString(),
          format: 'strict_date_optional_time',
        },
      },
    },
  ];
  if (q.container) filter.push({ term: { [fields.container]: q.container } });
  return {
    size: q.limit,
    sort: [{ [fields.timestamp]: { order: 'desc', unmapped_type: 'date' } }],
    query: {
      bool: {
        filter,
        ...(q.text
          ? {
              must: [{ match_phrase: { [fields.message]: { query: q.text } } }],
            }
          : {}),
      },
    },
  };
}

/** Elasticsearch's (or OpenSearch's) `_search` API over the configured index pattern. */
export function createElasticsearchLogSource(
  config: NonNullable<TelemetryConfig['logs']['elasticsearch']>,
  fields: TelemetryConfig['logs']['fields'],
  timeoutMs: number,
): PastLogSource {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
  };
  if (config.apiKey) headers.Authorization = `ApiKey ${config.apiKey}`;
  else if (config.username) {
    headers.Authorization = `Basic ${Buffer.from(
      `${config.username}:${config.password ?? ''}`,
    ).toString('base64')}`;
  }
  // a pattern such as logs-*,fluent-bit-*: each name percent-encoded, commas and * kept
  const index = config.index
    .split(',')
    .map(part => encodeURIComponent(part.trim()).replace(/%2A/g, '*'))
    .join(',');
  return {
    kind: 'elasticsearch',
    async search(q) {
      let response: Response;
      try {
        response = await fetch(
          `${config.url}/${index}/_search?ignore_unavailable=true&allow_no_indices=true`,
          {
            method: 'POST',
            headers,
            body: JSON.stringify(elasticsearchQuery(q, fields)),
            signal: AbortSignal.timeout(timeoutMs),
          },
        );
      } catch (e) {
        throw new Error(
          `Elasticsearch ${config.url} unreachable: ${(e as Error).message}`,
        );
      }
      if (!response.ok) throw await failure('Elasticsearch', response);
      const body = (await response.json()) as {
        hits?: { hits?: Array<{ _source?: unknown }> };
      };
      return (body.hits?.hits ?? [])
        .map(hit => {
          const time = pickField(hit._source, fields.timestamp);
          const line = pickField(hit._source, fields.message);
          const container = pickField(hit._source, fields.container);
          return {
            time:
              typeof time === 'string' || typeof time === 'number'
                ? new Date(time).toISOString()
                : '',
            pod: String(pickField(hit._source, fields.pod) ?? q.pod),
            container: typeof container === 'string' ? container : undefined,
            line: typeof line === 'string' ? line : JSON.stringify(line ?? ''),
          };
        })
        .reverse();
    },
  };
}

/** The configured past-log store: Loki first, else Elasticsearch/OpenSearch, else none. */
export function createPastLogSource(
  config: TelemetryConfig,
  timeoutMs = 10_000,
): PastLogSource | undefined {
  if (config.logs.loki) {
    return createLokiLogSource(config.logs.loki, config.logs.labels, timeoutMs);
  }
  if (config.logs.elasticsearch) {
    return createElasticsearchLogSource(
      config.logs.elasticsearch,
      config.logs.fields,
      timeoutMs,
    );
  }
  return undefined;
}
