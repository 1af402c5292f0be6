import { ConfigReader } from '@backstage/config';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { readObservationConfig } from './config';
import { createObservationService } from './createObservationService';
import { PrometheusAlert, PrometheusClient } from './prometheus';

// Logic of one observation call with the outside replaced: which query each panel runs (preset,
// install override, entity override), several Prometheus instances, the step, the cache and the
// headline. The same service runs against the rig in __rig__/observation*.rig.test.ts.

const NOW = 1764132000_000;

/** An origin an admin vouches for (kamlD.bindings.trustedOrigins) and its catalog annotation. */
const TRUSTED_ORIGIN = 'https://git.example.com/ml-platform/catalog-info.yaml';
const FROM_TRUSTED_ORIGIN = {
  'backstage.io/managed-by-origin-location': `url:${TRUSTED_ORIGIN}`,
};
const credentials = mockCredentials.user('user:default/carol');

function model(name: string, annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Model',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': name,
        'backstage.io/kubernetes-namespace': 'kaml-d-models',
        ...annotations,
      },
    },
    spec: { owner: 'group:default/data-science' },
  };
}

/** A Prometheus that records the queries it is asked and answers one point per query. */
function fakePrometheus(
  name: string,
  options: { alerts?: PrometheusAlert[]; down?: boolean } = {},
) {
  const calls: Array<{
    query: string;
    start: number;
    end: number;
    step: number;
  }> = [];
  const client: PrometheusClient = {
    name,
    async queryRange(query, start, end, step) {
      if (options.down) {
        throw new Error(`Prometheus unreachable at http://${name}:9090`);
      }
      calls.push({ query, start, end, step });
      return [{ metric: {}, values: [[end, '0.25']] }];
    },
    async query() {
      return [];
    },
    async alerts() {
      if (options.down) {
        throw new Error(`Prometheus unreachable at http://${name}:9090`);
      }
      return options.alerts ?? [];
    },
  };
  return { client, calls };
}

function serviceWith(options: {
  prometheus: PrometheusClient[];
  queries?: Record<string, string>;
  entities: object[];
}) {
  const config = readObservationConfig(
    new ConfigReader({
      kamlD: {
        observation: {
          prometheus: options.prometheus.map(p => ({
            name: p.name,
            url: `http://${p.name}:9090`,
          })),
          queries: options.queries,
          cacheSeconds: 30,
        },
        bindings: {
          trustedOrigins: [{ type: 'url', target: TRUSTED_ORIGIN }],
        },
      },
    }),
  );
  return createObservationService({
    config,
    catalog: catalogServiceMock({ entities: options.entities as never }),
    cache: CacheManager.fromConfig(
      new ConfigReader({ backend: { cache: { store: 'memory' } } }),
    ).forPlugin('kaml-d'),
    logger: mockServices.logger.mock(),
    clusterReaders: [],
    prometheus: options.prometheus,
    now: () => NOW,
  });
}

const ref = (name: string) => ({ kind: 'model', namespace: 'default', name });

describe('ObservationService.observe', () => {
  it('runs the entity annotation override, else the install override, else the preset, with escaped placeholders', async () => {
    const main = fakePrometheus('main');
    const service = serviceWith({
      prometheus: [main.client],
      queries: {
        errorRatio: 'my_install_error_ratio{{selector}}',
        cpu: 'my_install_cpu{{podSelector}}',
      },
      entities: [
        model('voice-classifier', {
          ...FROM_TRUSTED_ORIGIN,
          'kaml-d.io/promql-cpu': 'entity_cpu{{selector}}[{{window}}]',
        }),
      ],
    });
    const answer = await service.observe(
      ref('voice-classifier'),
      '1h',
      credentials,
    );
    const queries = main.calls.map(c => c.query);
    const selector = '{namespace="kaml-d-models",model="voice-classifier"}';
    // the entity wins over the install for cpu; the install wins over the preset for errorRatio
    expect(queries).toContain(`entity_cpu${selector}[60s]`);
    expect(queries).not.toContain(expect.stringContaining('my_install_cpu'));
    expect(queries).toContain(`my_install_error_ratio${selector}`);
    // presets for the rest
    expect(queries).toContain(
      `sum by (pod) (container_memory_working_set_bytes{namespace="kaml-d-models",pod=~"voice-classifier-.*"})`,
    );
    expect(answer.errors).toEqual([]);
  });

  it('attack: a kaml-d.io/promql-* annotation of an entity from an untrusted origin does not run verbatim', async () => {
    const main = fakePrometheus('main');
    const hostile = 'sum by (instance) (node_secret_metric{job="billing"})';
    const service = serviceWith({
      prometheus: [main.client],
      entities: [
        // registered through the catalog UI or published by a template: any origin but a trusted one
        model('voice-classifier', {
          'backstage.io/managed-by-origin-location':
            'url:https://attacker.example.com/catalog-info.yaml',
          'kaml-d.io/promql-cpu': hostile,
        }),
        model('no-origin', { 'kaml-d.io/promql-memory': hostile }),
      ],
    });
    const answer = await service.observe(
      ref('voice-classifier'),
      '1h',
      credentials,
    );
    const other = await service.observe(ref('no-origin'), '1h', credentials);
    const queries = main.calls.map(c => c.query);
    expect(queries).not.toContain(hostile);
    expect(queries.some(q => q.includes('node_secret_metric'))).toBe(false);
    // the panels still show, from the preset, and the answer says why the override was ignored
    expect(queries).toContain(
      'sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="kaml-d-models",pod=~"voice-classifier-.*"}[60s]))',
    );
    expect(answer.panels.map(p => p.id)).toContain('cpu');
    expect(answer.errors).toEqual([
      {
        source: 'prometheus',
        name: 'panel cpu',
        message: expect.stringContaining(
          'kaml-d.io/promql-cpu is ignored: the entity does not come from an origin listed in kamlD.bindings.trustedOrigins',
        ),
      },
    ]);
    expect(other.errors).toEqual([
      expect.objectContaining({
        name: 'panel memory',
        message: expect.stringContaining('kaml-d.io/promql-memory is ignored'),
      }),
    ]);
  });

  it('keeps a hostile kubernetes id inside its string literal', async () => {
    const main = fakePrometheus('main');
    const service = serviceWith({
      prometheus: [main.client],
      entities: [
        {
          ...model('tricky'),
          metadata: {
            name: 'tricky',
            namespace: 'default',
            annotations: {
              'backstage.io/kubernetes-id': 'x"} or vector(1) or {a="',
            },
          },
        },
      ],
    });
    await service.observe(ref('tricky'), '1h', credentials);
    // the id is one escaped string literal; outside of it, no injected expression remains
    const literal = '"x\\"} or vector(1) or {a=\\""';
    expect(main.calls[0].query).toContain(`model=${literal}`);
    for (const { query } of main.calls) {
      const outsideLiterals = query.replace(/"(?:[^"\\]|\\.)*"/g, '""');
      expect(outsideLiterals).not.toContain('vector(');
    }
  });

  it('reports an override naming an unknown placeholder in errors[] and still answers the other panels', async () => {
    const main = fakePrometheus('main');
    const service = serviceWith({
      prometheus: [main.client],
      entities: [
        model('voice-classifier', {
          ...FROM_TRUSTED_ORIGIN,
          'kaml-d.io/promql-latency': 'histogram_quantile(0.9, {{pod}})',
        }),
      ],
    });
    const answer = await service.observe(
      ref('voice-classifier'),
      '1h',
      credentials,
    );
    expect(answer.errors).toEqual([
      {
        source: 'prometheus',
        name: 'panel latency',
        message: expect.stringContaining('Unknown placeholder {{pod}}'),
      },
    ]);
    expect(answer.panels.map(p => p.id)).not.toContain('latency');
    expect(answer.panels.find(p => p.id === 'errorRatio')?.series).toHaveLength(
      1,
    );
  });

  it('asks every Prometheus instance, labels their series, and reports the one that is down beside the rest', async () => {
    const east = fakePrometheus('east', {
      alerts: [
        {
          labels: {
            alertname: 'KamlModelHighErrorRate',
            model: 'voice-classifier',
            namespace: 'kaml-d-models',
            severity: 'critical',
          },
          annotations: {
            summary: 'Model voice-classifier answers 30% with 5xx',
          },
          state: 'firing',
        },
      ],
    });
    const west = fakePrometheus('west');
    const gone = fakePrometheus('gone', { down: true });
    const service = serviceWith({
      prometheus: [east.client, west.client, gone.client],
      entities: [model('voice-classifier')],
    });
    const answer = await service.observe(
      ref('voice-classifier'),
      '1h',
      credentials,
    );
    const errorRatio = answer.panels.find(p => p.id === 'errorRatio');
    expect(errorRatio?.series.map(s => s.label)).toEqual([
      'east: Error ratio (5xx)',
      'west: Error ratio (5xx)',
    ]);
    expect(errorRatio?.source).toBe('east');
    expect(answer.errors).toEqual([
      {
        source: 'prometheus',
        name: 'gone',
        message: 'Prometheus unreachable at http://gone:9090',
      },
    ]);
    expect(answer.alerts).toEqual([
      expect.objectContaining({
        name: 'KamlModelHighErrorRate',
        source: 'east',
      }),
    ]);
    expect(answer.headline).toEqual({
      status: 'unhealthy',
      reason:
        '1 alert firing — KamlModelHighErrorRate (critical): Model voice-classifier answers 30% with 5xx (could not read prometheus gone)',
    });
  });

  it('asks one range query per panel with a step of at most 300 points, and answers again from the cache', async () => {
    const main = fakePrometheus('main');
    const service = serviceWith({
      prometheus: [main.client],
      entities: [model('voice-classifier')],
    });
    const answer = await service.observe(
      ref('voice-classifier'),
      '24h',
      credentials,
    );
    // 9 panels for a Model, one query each, whatever the number of pods
    expect(main.calls).toHaveLength(9);
    expect(answer.panels).toHaveLength(9);
    expect(answer.stepSeconds).toBe(300);
    for (const call of main.calls) {
      expect(call.step).toBe(300);
      expect(call.end - call.start).toBe(24 * 3600);
      expect((call.end - call.start) / call.step).toBeLessThanOrEqual(300);
      expect(call.end % 300).toBe(0);
    }
    const again = await service.observe(
      ref('voice-classifier'),
      '24h',
      credentials,
    );
    expect(main.calls).toHaveLength(9);
    expect(again).toEqual(answer);
    // another range is another answer
    await service.observe(ref('voice-classifier'), '15m', credentials);
    expect(main.calls).toHaveLength(18);
    expect(main.calls[17].step).toBe(15);
  });
});
