import { ConfigReader } from '@backstage/config';
import { readTelemetryConfig } from './config';
import {
  jaegerSearchUrl,
  kibanaDiscoverUrl,
  opensearchDiscoverUrl,
  telemetryConfigured,
  telemetryLinks,
} from './links';
import { buildKql, kqlString, kqlUnquoted } from './kql';

const window = {
  startMs: Date.parse('2026-12-07T08:00:00.000Z'),
  endMs: Date.parse('2026-12-07T09:00:00.000Z'),
};

const everything = readTelemetryConfig(
  new ConfigReader({
    kamlD: {
      observation: {
        logs: {
          grafana: {
            url: 'https://grafana.example.com/',
            datasource: 'loki-uid',
          },
          kibana: { url: 'https://kibana.example.com', dataView: 'logs-view' },
          opensearchDashboards: {
            url: 'https://osd.example.com',
            indexPattern: 'ip-1',
          },
        },
        traces: {
          jaeger: { url: 'https://jaeger.example.com' },
          grafana: {
            url: 'https://grafana.example.com',
            datasource: 'tempo-uid',
          },
        },
      },
    },
  }),
);

const hostilePod = 'p"\'\\{}\n(x) or *';

describe('telemetryLinks', () => {
  it('builds a Grafana Explore pane whose LogQL survives hostile pod names', () => {
    const { logs } = telemetryLinks(everything, {
      namespace: 'kaml-d-models',
      pods: [hostilePod],
      container: 'c"}',
      service: 'svc',
      window,
    });
    const grafana = logs.find(l => l.tool === 'grafana')!;
    const url = new URL(grafana.url);
    expect(url.origin + url.pathname).toBe(
      'https://grafana.example.com/explore',
    );
    expect(url.searchParams.get('schemaVersion')).toBe('1');
    // the raw URL carries no unencoded character that could end the parameter
    expect(grafana.url.split('panes=')[1].replace(/&orgId=1$/, '')).not.toMatch(
      /[&#"{} \n]/,
    );
    const panes = JSON.parse(url.searchParams.get('panes')!);
    expect(panes.kamld.datasource).toBe('loki-uid');
    expect(panes.kamld.range).toEqual({
      from: String(window.startMs),
      to: String(window.endMs),
    });
    expect(panes.kamld.queries[0]).toEqual({
      refId: 'A',
      datasource: { uid: 'loki-uid', type: 'loki' },
      queryType: 'range',
      expr: '{namespace="kaml-d-models", pod="p\\"\'\\\\{}\\n(x) or *", container="c\\"}"}',
    });
  });

  it('puts the KQL and the absolute time into Kibana and OpenSearch Dashboards rison', () => {
    const { logs } = telemetryLinks(everything, {
      namespace: 'ns',
      pods: ["it's"],
      podPrefixes: ['web-'],
      window,
    });
    const kibana = logs.find(l => l.tool === 'kibana')!.url;
    expect(
      kibana.startsWith('https://kibana.example.com/app/discover#/?_g='),
    ).toBe(true);
    expect(decodeURIComponent(kibana)).toBe(
      "https://kibana.example.com/app/discover#/?_g=(time:(from:'2026-12-07T08:00:00.000Z',to:'2026-12-07T09:00:00.000Z'))" +
        '&_a=(index:logs-view,query:(language:kuery,query:\'kubernetes.namespace:"ns" and kubernetes.pod.name:("it!\'s" or web-*)\'))',
    );
    const osd = logs.find(l => l.tool === 'opensearchDashboards')!.url;
    expect(decodeURIComponent(osd)).toBe(
      'https://osd.example.com/app/data-explorer/discover#?_a=(discover:(columns:!(_source),isDirty:!f,sort:!()),metadata:(indexPattern:ip-1,view:discover))' +
        "&_g=(filters:!(),refreshInterval:(pause:!t,value:0),time:(from:'2026-12-07T08:00:00.000Z',to:'2026-12-07T09:00:00.000Z'))" +
        '&_q=(filters:!(),query:(language:kuery,query:\'kubernetes.namespace:"ns" and kubernetes.pod.name:("it!\'s" or web-*)\'))',
    );
    // hostile text never leaves its rison string: & and # are percent-encoded
    const hostile = kibanaDiscoverUrl('https://k', 'v', "a&b#c'!", window);
    expect(hostile).toContain("query:'a%26b%23c!'!!'");
    expect(opensearchDiscoverUrl('https://o', "x'", 'q', window)).toContain(
      "indexPattern:'x!''",
    );
  });

  it('links Jaeger and Tempo by service with the window in microseconds', () => {
    const { traces } = telemetryLinks(everything, {
      namespace: 'ns',
      service: 'voice "classifier"&x',
      window,
    });
    const jaeger = new URL(traces.find(t => t.tool === 'jaeger')!.url);
    expect(jaeger.pathname).toBe('/search');
    expect(jaeger.searchParams.get('service')).toBe('voice "classifier"&x');
    expect(jaeger.searchParams.get('start')).toBe(
      String(window.startMs * 1000),
    );
    expect(jaeger.searchParams.get('end')).toBe(String(window.endMs * 1000));
    const tempo = new URL(traces.find(t => t.tool === 'tempo')!.url);
    const pane = JSON.parse(tempo.searchParams.get('panes')!).kamld;
    expect(pane.queries[0]).toMatchObject({
      datasource: { uid: 'tempo-uid', type: 'tempo' },
      queryType: 'traceql',
      query: '{resource.service.name="voice \\"classifier\\"&x"}',
    });
    expect(
      jaegerSearchUrl('https://j', 'a b', { startMs: 1.5, endMs: 2.2 }),
    ).toBe(
      'https://j/search?service=a+b&start=1000&end=3000&limit=20&lookback=custom',
    );
  });

  it('gives nothing for tools that are not configured, and no trace link without a service', () => {
    const none = readTelemetryConfig(new ConfigReader({}));
    expect(telemetryConfigured(none)).toEqual({ logs: false, traces: false });
    expect(
      telemetryLinks(none, { namespace: 'ns', service: 's', window }),
    ).toEqual({
      logs: [],
      traces: [],
    });
    expect(telemetryConfigured(everything)).toEqual({
      logs: true,
      traces: true,
    });
    expect(
      telemetryLinks(everything, { namespace: 'ns', window }).traces,
    ).toEqual([]);
  });
});

describe('KQL', () => {
  it('quotes values and escapes unquoted parts', () => {
    expect(kqlString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(kqlUnquoted('a(b):c<d>"e*f{g}\\ h')).toBe(
      'a\\(b\\)\\:c\\<d\\>\\"e\\*f\\{g\\}\\\\*h',
    );
    expect(
      buildKql(
        { namespace: 'n', pods: ['a'], container: 'c', text: 'loss "nan"' },
        {
          namespace: 'kubernetes.namespace_name.keyword',
          pod: 'kubernetes.pod_name',
          container: 'kubernetes.container_name',
          message: 'log',
          timestamp: '@timestamp',
        },
      ),
    ).toBe(
      'kubernetes.namespace_name.keyword:"n" and kubernetes.pod_name:"a" and kubernetes.container_name:"c" and log:"loss \\"nan\\""',
    );
  });
});

describe('readTelemetryConfig', () => {
  it('names the key of a URL that is not one', () => {
    expect(() =>
      readTelemetryConfig(
        new ConfigReader({
          kamlD: {
            observation: { traces: { jaeger: { url: 'jaeger:16686' } } },
          },
        }),
      ),
    ).toThrow(
      'kamlD.observation.traces.jaeger.url must be an http or https URL',
    );
    expect(() =>
      readTelemetryConfig(
        new ConfigReader({
          kamlD: { observation: { logs: { loki: { url: 'not a url' } } } },
        }),
      ),
    ).toThrow('kamlD.observation.logs.loki.url "not a url" is not a URL');
  });
});
