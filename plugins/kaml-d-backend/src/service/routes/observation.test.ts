import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ObservationResponse,
  SreOverviewResponse,
} from '@kaml-d/plugin-kaml-d-common';
import { AddressInfo } from 'node:net';
import { Server, createServer } from 'node:http';
import request from 'supertest';
import { kamlDPlugin } from '../../plugin';

const ALICE = mockCredentials.user.header('user:default/alice');

const model = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Model',
  metadata: {
    name: 'voice-classifier',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'voice-classifier',
      'backstage.io/kubernetes-namespace': 'kaml-d-models',
    },
  },
  spec: { owner: 'group:default/data-science' },
};

function listen(server: Server): Promise<string> {
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

describe('GET /api/kaml-d/observation/:namespace/:kind/:name', () => {
  let prometheus: Server;
  let prometheusUrl: string;
  let refusedUrl: string;
  const queries: string[] = [];

  beforeAll(async () => {
    prometheus = createServer((req, res) => {
      let body = '';
      req.on('data', chunk => {
        body += chunk;
      });
      req.on('end', () => {
        res.setHeader('Content-Type', 'application/json');
        if (req.url === '/api/v1/alerts') {
          res.end(
            JSON.stringify({
              status: 'success',
              data: {
                alerts: [
                  {
                    labels: {
                      alertname: 'KamlModelHighErrorRate',
                      model: 'voice-classifier',
                      namespace: 'kaml-d-models',
                      severity: 'critical',
                    },
                    annotations: {
                      summary:
                        'Model voice-classifier answers 30% of its requests with 5xx',
                    },
                    state: 'firing',
                    activeAt: '2026-11-26T04:36:31Z',
                  },
                ],
              },
            }),
          );
          return;
        }
        const query = new URLSearchParams(body).get('query') ?? '';
        queries.push(query);
        res.end(
          JSON.stringify({
            status: 'success',
            data: {
              resultType: 'matrix',
              result: query.startsWith('sum(rate(kaml_inference_requests_total')
                ? [{ metric: {}, values: [[1764132000, '0.3']] }]
                : [],
            },
          }),
        );
      });
    });
    prometheusUrl = await listen(prometheus);
    const closed = createServer();
    refusedUrl = await listen(closed);
    await new Promise(resolve => closed.close(resolve));
  });

  afterAll(async () => {
    await new Promise(resolve => prometheus.close(resolve));
  });

  async function start(observation: object | undefined) {
    const { server } = await startTestBackend({
      features: [
        kamlDPlugin,
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            kamlD: observation ? { observation } : {},
          },
        }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        catalogServiceMock.factory({ entities: [model] }),
      ],
    });
    return server;
  }

  it('answers 401 without a token', async () => {
    const server = await start(undefined);
    const res = await request(server).get(
      '/api/kaml-d/observation/default/model/voice-classifier',
    );
    expect(res.status).toBe(401);
  });

  it('answers 404 for an entity the catalog does not have and 400 for a bad range or kind', async () => {
    const server = await start(undefined);
    const missing = await request(server)
      .get('/api/kaml-d/observation/default/model/nobody')
      .set('Authorization', ALICE);
    expect(missing.status).toBe(404);
    const badRange = await request(server)
      .get('/api/kaml-d/observation/default/model/voice-classifier?range=1w')
      .set('Authorization', ALICE);
    expect(badRange.status).toBe(400);
    expect(badRange.body.error.message).toMatch(/range/);
    const badKind = await request(server)
      .get('/api/kaml-d/observation/default/user/alice')
      .set('Authorization', ALICE);
    expect(badKind.status).toBe(400);
  });

  it('says nothing is configured when no cluster or Prometheus is', async () => {
    const server = await start(undefined);
    const res = await request(server)
      .get('/api/kaml-d/observation/default/model/voice-classifier')
      .set('Authorization', ALICE);
    expect(res.status).toBe(200);
    const body = res.body as ObservationResponse;
    expect(body.configured).toEqual({
      kubernetes: false,
      prometheus: false,
      logs: false,
      traces: false,
    });
    expect(body.headline.status).toBe('unknown');
    expect(body.headline.reason).toMatch(
      /configure kamlD\.workloadCluster or kamlD\.clusters/,
    );
  });

  it('returns what loaded beside the Prometheus and cluster that refused connections', async () => {
    const server = await start({
      prometheus: [
        { name: 'main', url: prometheusUrl },
        { name: 'gone', url: refusedUrl },
      ],
      kubernetes: {
        clusters: [
          {
            name: 'lab',
            url: refusedUrl.replace('http:', 'https:'),
            token: 't',
          },
        ],
      },
      links: [
        {
          title: 'Grafana',
          url: 'https://grafana.example.com/d/m?var-model={{id}}&var-ns={{namespace}}',
        },
        { title: 'Broken', url: 'https://x.example.com/{{pod}}' },
      ],
    });
    const res = await request(server)
      .get('/api/kaml-d/observation/default/model/voice-classifier?range=6h')
      .set('Authorization', ALICE);
    expect(res.status).toBe(200);
    const body = res.body as ObservationResponse;
    expect(body.stepSeconds).toBe(120);
    expect(body.links).toEqual([
      {
        title: 'Grafana',
        url: 'https://grafana.example.com/d/m?var-model=voice-classifier&var-ns=kaml-d-models',
      },
    ]);
    expect(body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source: 'prometheus',
          name: 'gone',
          message: expect.stringMatching(/Prometheus unreachable/),
        }),
        expect.objectContaining({ source: 'kubernetes', name: 'lab' }),
      ]),
    );
    expect(body.errors).toHaveLength(2);
    expect(body.headline.status).toBe('unhealthy');
    expect(body.headline.reason).toContain('KamlModelHighErrorRate (critical)');
    expect(body.alerts.map(a => a.source)).toEqual(['main']);
    const errorRatio = body.panels.find(p => p.id === 'errorRatio');
    expect(errorRatio?.series).toEqual([
      { label: 'main: Error ratio (5xx)', points: [[1764132000, 0.3]] },
    ]);
    // one query per panel per instance, every one with the escaped entity matcher
    expect(queries.length).toBe(9);
    expect(queries.every(q => q.includes('namespace="kaml-d-models"'))).toBe(
      true,
    );
  });

  it('rolls the platform up for SREs: alerts linked to their entity, a failing cluster as data', async () => {
    const server = await start({
      prometheus: [{ name: 'main', url: prometheusUrl }],
      kubernetes: {
        clusters: [
          {
            name: 'lab',
            url: refusedUrl.replace('http:', 'https:'),
            token: 't',
          },
        ],
      },
    });
    expect(
      (await request(server).get('/api/kaml-d/observation/sre')).status,
    ).toBe(401);
    const res = await request(server)
      .get('/api/kaml-d/observation/sre')
      .set('Authorization', ALICE);
    expect(res.status).toBe(200);
    const body = res.body as SreOverviewResponse;
    expect(body.configured).toEqual({ kubernetes: true, prometheus: true });
    expect(body.alerts).toEqual([
      expect.objectContaining({
        name: 'KamlModelHighErrorRate',
        severity: 'critical',
        entityRef: 'model:default/voice-classifier',
      }),
    ]);
    expect(body.nodes).toEqual([]);
    expect(body.errors).toEqual([
      expect.objectContaining({
        source: 'kubernetes',
        name: 'lab',
        message: expect.stringMatching(/unreachable or refused/),
      }),
    ]);
  });
});
