import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DEFAULT_LOG_FIELDS } from './config';
import { DEFAULT_LOKI_LABELS } from './logql';
import {
  createLokiLogSource,
  elasticsearchQuery,
  pick,
  pickField,
} from './pastLogs';

const window = { startMs: 1_700_000_000_000, endMs: 1_700_000_600_000 };

describe('Loki past-log source', () => {
  let server: Server;
  let url: string;
  let seen: IncomingMessage | undefined;
  let answer: { status: number; body: string };

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen = req;
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(answer.body);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));

  it('sends escaped LogQL, nanosecond bounds and the tenant; returns lines oldest first', async () => {
    answer = {
      status: 200,
      body: JSON.stringify({
        status: 'success',
        data: {
          resultType: 'streams',
          result: [
            {
              stream: { pod: 'p', container: 'trainer' },
              values: [
                ['1700000000300000000', 'third'],
                ['1700000000100000000', 'first'],
              ],
            },
            {
              stream: { pod: 'p', container: 'sidecar' },
              values: [['1700000000200000000', 'second']],
            },
          ],
        },
      }),
    };
    const source = createLokiLogSource(
      { url, tenant: 'team "a"' },
      DEFAULT_LOKI_LABELS,
      5000,
    );
    const lines = await source.search({
      namespace: 'kaml-d-training',
      pod: 'p"}\n',
      text: 'loss "nan" \\',
      window,
      limit: 2,
    });
    const params = new URL(seen!.url!, url).searchParams;
    expect(new URL(seen!.url!, url).pathname).toBe('/loki/api/v1/query_range');
    expect(params.get('query')).toBe(
      '{namespace="kaml-d-training", pod="p\\"}\\n"} |= "loss \\"nan\\" \\\\"',
    );
    expect(params.get('start')).toBe('1700000000000000000');
    expect(params.get('end')).toBe('1700000600000000000');
    expect(params.get('limit')).toBe('2');
    expect(params.get('direction')).toBe('backward');
    expect(seen!.headers['x-scope-orgid']).toBe('team "a"');
    expect(lines).toEqual([
      {
        time: new Date(1_700_000_000_200).toISOString(),
        pod: 'p',
        container: 'sidecar',
        line: 'second',
      },
      {
        time: new Date(1_700_000_000_300).toISOString(),
        pod: 'p',
        container: 'trainer',
        line: 'third',
      },
    ]);
  });

  it('says what Loki answered when it refuses', async () => {
    answer = { status: 400, body: 'parse error at line 1' };
    const source = createLokiLogSource({ url }, DEFAULT_LOKI_LABELS, 5000);
    await expect(
      source.search({ namespace: 'n', pod: 'p', window, limit: 10 }),
    ).rejects.toThrow('Loki answered 400 Bad Request: parse error at line 1');
  });

  it('names Loki when it is unreachable', async () => {
    const source = createLokiLogSource(
      { url: 'http://127.0.0.1:9' },
      DEFAULT_LOKI_LABELS,
      5000,
    );
    await expect(
      source.search({ namespace: 'n', pod: 'p', window, limit: 10 }),
    ).rejects.toThrow('Loki http://127.0.0.1:9 unreachable');
  });
});

describe('Elasticsearch query', () => {
  it('keeps user input in term and match_phrase values', () => {
    const body = elasticsearchQuery(
      {
        namespace: 'ns',
        pod: 'p" OR *:*',
        container: 'c\\',
        text: 'error AND NOT (x:y) "quoted"',
        window,
        limit: 50,
      },
      DEFAULT_LOG_FIELDS,
    );
    expect(body).toEqual({
      size: 50,
      sort: [{ '@timestamp': { order: 'desc', unmapped_type: 'date' } }],
      query: {
        bool: {
          filter: [
            { term: { 'kubernetes.namespace': 'ns' } },
            { term: { 'kubernetes.pod.name': 'p" OR *:*' } },
            {
              range: {
                '@timestamp': {
                  gte: new Date(window.startMs).toISOString(),
                  lte: new Date(window.endMs).toISOString(),
                  format: 'strict_date_optional_time',
                },
              },
            },
            { term: { 'kubernetes.container.name': 'c\\' } },
          ],
          must: [
            {
              match_phrase: {
                message: { query: 'error AND NOT (x:y) "quoted"' },
              },
            },
          ],
        },
      },
    });
    expect(JSON.stringify(body)).not.toContain('query_string');
  });

  it('reads dotted paths from nested objects and dotted keys alike', () => {
    expect(
      pick({ kubernetes: { pod: { name: 'a' } } }, 'kubernetes.pod.name'),
    ).toBe('a');
    expect(pick({ 'kubernetes.pod.name': 'b' }, 'kubernetes.pod.name')).toBe(
      'b',
    );
    expect(
      pick({ kubernetes: { 'pod.name': 'c' } }, 'kubernetes.pod.name'),
    ).toBe('c');
    expect(pick({ kubernetes: {} }, 'kubernetes.pod.name')).toBeUndefined();
    expect(pick(null, 'x')).toBeUndefined();
    // a .keyword sub-field is not in _source: its parent text field holds the value
    expect(
      pickField(
        { kubernetes: { pod_name: 'd' } },
        'kubernetes.pod_name.keyword',
      ),
    ).toBe('d');
  });
});
