import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { randomBytes } from 'node:crypto';
import { readKamlDClusterAccess } from '@kaml-d/plugin-kaml-d-node';
import { createRunsService } from '../services/Runs';
import {
  createPastLogSource,
  readTelemetryConfig,
  telemetryLinks,
} from '../services/Telemetry';
import { rigEnv } from './rigEnv';

// Past logs of a deleted training pod, indexed into the rig's Elasticsearch the way Filebeat (ECS)
// and Fluent Bit (dynamic mapping, .keyword sub-fields) ship them, searched through the Runs
// service; and a span sent to the rig's Jaeger over OTLP found through the Traces link's search.

const suffix = randomBytes(3).toString('hex');
const model = `tel-rig-${suffix}`;
// named like a run's pod (train-<model>-<10 hex>-<suffix>); no such pod exists in the cluster
const deletedPod = `train-${model}-0123456789-x7k2p`;
const otherPod = `train-other-${suffix}-0123456789-aaaaa`;
const NAMESPACE = 'kaml-d-training';
const es = rigEnv('KAML_RIG_ES_URL');
const ecsIndex = `kaml-rig-logs-ecs-${suffix}`;
const fluentIndex = `kaml-rig-logs-fluent-${suffix}`;
const base = Date.now() - 30 * 60_000;
const at = (minute: number) => new Date(base + minute * 60_000).toISOString();

async function esCall(method: string, path: string, body?: object | string) {
  const response = await fetch(`${es}${path}`, {
    method,
    headers: {
      'Content-Type':
        typeof body === 'string' ? 'application/x-ndjson' : 'application/json',
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

const lines: Array<[string, string, number, string]> = [
  [deletedPod, 'trainer', 1, 'epoch 1 loss 0.9'],
  [deletedPod, 'trainer', 2, 'epoch 2 loss "nan" \\ retrying'],
  [deletedPod, 'sidecar', 3, 'uploaded checkpoint'],
  [deletedPod, 'trainer', 4, 'done'],
  [otherPod, 'trainer', 2, 'epoch 2 loss "nan" of another model'],
];

function runsService(index: string, fields?: Record<string, string>, url = es) {
  const telemetry = readTelemetryConfig(
    new ConfigReader({
      kamlD: {
        observation: {
          logs: {
            elasticsearch: { url, index },
            ...(fields ? { fields } : {}),
          },
        },
      },
    }),
  );
  return createRunsService({
    cluster: readKamlDClusterAccess(
      new ConfigReader({
        kamlD: {
          kubernetes: {
            url: rigEnv('KAML_RIG_KUBE_URL'),
            token: rigEnv('KAML_RIG_KUBE_PORTAL_TOKEN'),
            caFile: rigEnv('KAML_RIG_KUBE_CA'),
            trainingNamespace: NAMESPACE,
          },
        },
      }),
    ),
    catalog: catalogServiceMock({
      entities: [
        {
          apiVersion: 'kaml-d.io/v1alpha1',
          kind: 'Model',
          metadata: { name: model, namespace: 'default' },
          spec: { owner: 'group:default/data-science' },
        },
      ],
    }),
    cache: CacheManager.fromConfig(
      mockServices.rootConfig({
        data: { backend: { cache: { store: 'memory' } } },
      }),
    ).forPlugin('kaml-d'),
    telemetry,
    pastLogSource: createPastLogSource(telemetry),
  });
}

describe('past logs of a deleted pod from the rig Elasticsearch', () => {
  const credentials = mockCredentials.user('user:default/alice');
  const ref = { kind: 'model', namespace: 'default', name: model };

  beforeAll(async () => {
    await esCall('PUT', `/${ecsIndex}`, {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: {
        properties: {
          '@timestamp': { type: 'date' },
          message: { type: 'text' },
          kubernetes: {
            properties: {
              namespace: { type: 'keyword' },
              pod: { properties: { name: { type: 'keyword' } } },
              container: { properties: { name: { type: 'keyword' } } },
            },
          },
        },
      },
    });
    // Fluent Bit's kubernetes filter into an index without a template: text + .keyword
    await esCall('PUT', `/${fluentIndex}`, {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
    });
    const bulk = lines.flatMap(([pod, container, minute, message]) => [
      { index: { _index: ecsIndex } },
      {
        '@timestamp': at(minute),
        message,
        kubernetes: {
          namespace: NAMESPACE,
          pod: { name: pod },
          container: { name: container },
        },
      },
      { index: { _index: fluentIndex } },
      {
        '@timestamp': at(minute),
        log: message,
        kubernetes: {
          namespace_name: NAMESPACE,
          pod_name: pod,
          container_name: container,
        },
      },
    ]);
    const answer = await esCall(
      'POST',
      '/_bulk?refresh=wait_for',
      `${bulk.map(line => JSON.stringify(line)).join('\n')}\n`,
    );
    if (answer.errors) {
      throw new Error(`bulk indexing failed: ${JSON.stringify(answer.items)}`);
    }
  });

  afterAll(async () => {
    await esCall('DELETE', `/${ecsIndex},${fluentIndex}`).catch(
      () => undefined,
    );
  });

  it('finds the lines of a pod that no longer exists, oldest first (ECS fields)', async () => {
    const service = runsService(`kaml-rig-logs-ecs-${suffix}*`);
    // the cluster has no run of this model: the pod is gone, its name makes it one of the model's
    const runs = await service.runs(ref, credentials);
    expect(runs.runs).toEqual([]);
    expect(runs.pastLogs).toBe('elasticsearch');
    const out = await service.pastLogs!(
      ref,
      { pod: deletedPod, limit: 100 },
      credentials,
    );
    expect(out.source).toBe('elasticsearch');
    expect(out.lines.map(l => [l.container, l.line])).toEqual([
      ['trainer', 'epoch 1 loss 0.9'],
      ['trainer', 'epoch 2 loss "nan" \\ retrying'],
      ['sidecar', 'uploaded checkpoint'],
      ['trainer', 'done'],
    ]);
    expect(out.lines[0]).toMatchObject({ time: at(1), pod: deletedPod });
  });

  it('filters by container and phrase; query syntax in the text is searched as text', async () => {
    const service = runsService(ecsIndex);
    const phrase = await service.pastLogs!(
      ref,
      { pod: deletedPod, text: 'loss "nan"', limit: 100 },
      credentials,
    );
    expect(phrase.lines.map(l => l.line)).toEqual([
      'epoch 2 loss "nan" \\ retrying',
    ]);
    const container = await service.pastLogs!(
      ref,
      { pod: deletedPod, container: 'sidecar', limit: 100 },
      credentials,
    );
    expect(container.lines.map(l => l.line)).toEqual(['uploaded checkpoint']);
    for (const text of ['*:*', '* OR message:*', '") OR (*']) {
      const hostile = await service.pastLogs!(
        ref,
        { pod: deletedPod, text, limit: 100 },
        credentials,
      );
      expect(hostile.lines).toEqual([]);
    }
    // the newest lines win when the limit cuts
    const newest = await service.pastLogs!(
      ref,
      { pod: deletedPod, limit: 2 },
      credentials,
    );
    expect(newest.lines.map(l => l.line)).toEqual([
      'uploaded checkpoint',
      'done',
    ]);
    // a window before the lines
    const before = await service.pastLogs!(
      ref,
      { pod: deletedPod, limit: 100, start: at(-20), end: at(-10) },
      credentials,
    );
    expect(before.lines).toEqual([]);
  });

  it("reads Fluent Bit's fields when configured, and refuses another model's pod", async () => {
    const service = runsService(fluentIndex, {
      namespace: 'kubernetes.namespace_name.keyword',
      pod: 'kubernetes.pod_name.keyword',
      container: 'kubernetes.container_name.keyword',
      message: 'log',
    });
    const out = await service.pastLogs!(
      ref,
      { pod: deletedPod, text: 'checkpoint', limit: 100 },
      credentials,
    );
    expect(out.lines).toEqual([
      {
        time: at(3),
        pod: deletedPod,
        container: 'sidecar',
        line: 'uploaded checkpoint',
      },
    ]);
    await expect(
      service.pastLogs!(ref, { pod: otherPod, limit: 100 }, credentials),
    ).rejects.toThrow(
      `Pod ${otherPod} is neither a pod of a current run of model ${model}`,
    );
  });

  it('answers 503 naming the store when Elasticsearch cannot be reached; the Runs tab still loads', async () => {
    const service = runsService('logs-*', undefined, 'http://127.0.0.1:9');
    expect((await service.runs(ref, credentials)).pastLogs).toBe(
      'elasticsearch',
    );
    await expect(
      service.pastLogs!(ref, { pod: deletedPod, limit: 10 }, credentials),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining(
        'Past logs unavailable: Elasticsearch http://127.0.0.1:9 unreachable',
      ),
    });
  });
});

describe("Traces link against the rig's Jaeger", () => {
  it("finds a span sent over OTLP through the link's service and window", async () => {
    const jaeger = rigEnv('KAML_RIG_JAEGER_URL');
    const service = `${model} "voice" & co`;
    const traceId = randomBytes(16).toString('hex');
    const startNs = BigInt(Date.now()) * 1_000_000n;
    const sent = await fetch(
      `${rigEnv('KAML_RIG_JAEGER_OTLP_HTTP_URL')}/v1/traces`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          resourceSpans: [
            {
              resource: {
                attributes: [
                  { key: 'service.name', value: { stringValue: service } },
                ],
              },
              scopeSpans: [
                {
                  spans: [
                    {
                      traceId,
                      spanId: randomBytes(8).toString('hex'),
                      name: 'predict',
                      kind: 2,
                      startTimeUnixNano: String(startNs),
                      endTimeUnixNano: String(startNs + 3_000_000n),
                    },
                  ],
                },
              ],
            },
          ],
        }),
      },
    );
    expect(sent.status).toBe(200);

    const config = readTelemetryConfig(
      new ConfigReader({
        kamlD: { observation: { traces: { jaeger: { url: jaeger } } } },
      }),
    );
    const [link] = telemetryLinks(config, {
      namespace: NAMESPACE,
      service,
      window: { startMs: Date.now() - 15 * 60_000, endMs: Date.now() + 60_000 },
    }).traces;
    const search = new URL(link.url);
    expect(search.pathname).toBe('/search');
    // the UI's search page asks the API the same parameters
    const api = new URL('/api/traces', jaeger);
    for (const key of ['service', 'start', 'end', 'limit']) {
      api.searchParams.set(key, search.searchParams.get(key)!);
    }
    const deadline = Date.now() + 60_000;
    let traces: Array<{
      traceID: string;
      spans: Array<{ operationName: string }>;
    }> = [];
    let services: string[] = [];
    while (Date.now() < deadline) {
      services = ((await (await fetch(`${jaeger}/api/services`)).json()).data ??
        []) as string[];
      traces = ((await (await fetch(api)).json()).data ?? []) as typeof traces;
      if (services.includes(service) && traces.length) break;
      await new Promise(resolve => setTimeout(resolve, 500));
    }
    expect(services).toContain(service);
    expect(traces.map(t => t.traceID)).toEqual([traceId]);
    expect(traces[0].spans[0].operationName).toBe('predict');
    // the UI page itself is served at the link's path
    expect((await fetch(link.url)).status).toBe(200);
  });
});
