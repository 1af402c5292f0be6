import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  FetchApi,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { KamlDClient, kamlDApiRef } from '../../api';
import { fraudDetector } from '../__fixtures__/entities';
import { DeploymentsTab, RunsTab } from './RunsTab';

const pod = 'train-fraud-detector-0123456789-abcde';
const run = {
  name: 'train-fraud-detector-0123456789',
  namespace: 'kaml-d-training',
  status: 'Succeeded',
  startTime: '2026-01-01T00:00:00.000Z',
  durationSeconds: 60,
  gpus: 0,
  pods: [
    {
      name: pod,
      phase: 'Succeeded',
      containers: ['train'],
      restarts: 0,
      hasPrevious: false,
    },
  ],
  telemetry: {
    logs: [
      {
        tool: 'grafana',
        title: 'Grafana (Loki)',
        url: 'https://grafana.example.com/explore?x=1',
      },
    ],
    traces: [
      {
        tool: 'jaeger',
        title: 'Jaeger',
        url: 'https://jaeger.example.com/search?service=fraud',
      },
    ],
  },
};

function apis(
  urls: string[],
  body: unknown,
  pastLogs: (url: string) => Response,
) {
  const fetchApi: FetchApi = {
    fetch: async input => {
      const url = String(input);
      urls.push(url);
      if (url.includes('/past-logs')) return pastLogs(url);
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    },
  };
  const discoveryApi = mockApis.discovery({ baseUrl: 'http://backend' });
  return [
    [discoveryApiRef, discoveryApi],
    [fetchApiRef, fetchApi],
    // the portal's client over the faked fetch: the tab reads through the API ref
    [kamlDApiRef, new KamlDClient({ discoveryApi, fetchApi })],
  ] as const;
}

const found = () =>
  new Response(
    JSON.stringify({
      pod,
      source: 'loki',
      window: {
        start: '2026-01-01T00:00:00.000Z',
        end: '2026-01-01T01:00:00.000Z',
      },
      lines: [
        {
          time: '2026-01-01T00:00:05.000Z',
          pod,
          container: 'train',
          line: 'epoch 1 loss "nan"',
        },
      ],
    }),
    { status: 200, headers: { 'content-type': 'application/json' } },
  );

describe('Deployments tab logs and traces', () => {
  it('links each serving Deployment to its logs', async () => {
    await renderInTestApp(
      <EntityProvider entity={fraudDetector}>
        <DeploymentsTab />
      </EntityProvider>,
      {
        apis: apis(
          [],
          {
            model: 'fraud-detector',
            runs: [],
            deployments: [
              {
                name: 'fraud-detector',
                namespace: 'kaml-d-models',
                desiredReplicas: 1,
                readyReplicas: 1,
                endpoint: 'http://fraud-detector.kaml-d-models.svc',
                telemetry: {
                  logs: [
                    {
                      tool: 'kibana',
                      title: 'Kibana',
                      url: 'https://k/app/discover#/',
                    },
                  ],
                  traces: [],
                },
              },
            ],
          },
          found,
        ),
      },
    );
    expect(
      await screen.findByRole('link', { name: 'Logs · Kibana' }),
    ).toHaveAttribute('href', 'https://k/app/discover#/');
  });
});

describe('Runs tab logs and traces', () => {
  it('links each run to its logs and traces and searches past logs of the selected pod', async () => {
    const urls: string[] = [];
    await renderInTestApp(
      <EntityProvider entity={fraudDetector}>
        <RunsTab />
      </EntityProvider>,
      {
        apis: apis(
          urls,
          {
            model: 'fraud-detector',
            runs: [run],
            deployments: [],
            pastLogs: 'loki',
          },
          found,
        ),
      },
    );
    const logs = await screen.findByRole('link', {
      name: 'Logs · Grafana (Loki)',
    });
    expect(logs).toHaveAttribute(
      'href',
      'https://grafana.example.com/explore?x=1',
    );
    expect(logs).toHaveAttribute('target', '_blank');
    expect(
      screen.getByRole('link', { name: 'Traces · Jaeger' }),
    ).toHaveAttribute(
      'href',
      'https://jaeger.example.com/search?service=fraud',
    );
    expect(
      screen.getByText('Finished or deleted pods, from Loki'),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: new RegExp(`Logs ${pod}`) }),
    );
    expect(screen.getByLabelText(/^Pod/)).toHaveValue(pod);
    await userEvent.type(
      screen.getByLabelText('Contains'),
      'loss "nan" & more',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Search past logs' }),
    );
    expect(
      await screen.findByText(
        /2026-01-01T00:00:05.000Z \[train\] epoch 1 loss "nan"/,
      ),
    ).toBeInTheDocument();
    const searched = new URL(urls.find(u => u.includes('/past-logs'))!);
    expect(searched.pathname).toBe(
      `/api/kaml-d/runs/default/fraud-detector/pods/${pod}/past-logs`,
    );
    expect(searched.searchParams.get('q')).toBe('loss "nan" & more');
    expect(searched.searchParams.get('limit')).toBe('1000');
  });

  it('offers the search for deleted pods when no run is left, and shows what the backend says', async () => {
    await renderInTestApp(
      <EntityProvider entity={fraudDetector}>
        <RunsTab />
      </EntityProvider>,
      {
        apis: apis(
          [],
          {
            model: 'fraud-detector',
            runs: [],
            deployments: [],
            pastLogs: 'elasticsearch',
          },
          () =>
            new Response(
              JSON.stringify({
                error: {
                  name: 'NotFoundError',
                  message:
                    'Pod x is neither a pod of a current run of model fraud-detector',
                },
                request: { method: 'GET', url: '/past-logs' },
                response: { statusCode: 404 },
              }),
              { status: 404, headers: { 'content-type': 'application/json' } },
            ),
        ),
      },
    );
    expect(await screen.findByText('No training runs yet')).toBeInTheDocument();
    expect(
      screen.getByText('Finished or deleted pods, from Elasticsearch'),
    ).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/^Pod/), 'x');
    await userEvent.click(
      screen.getByRole('button', { name: 'Search past logs' }),
    );
    expect(
      await screen.findByText(
        /Pod x is neither a pod of a current run of model fraud-detector/,
      ),
    ).toBeInTheDocument();
  });

  it('shows neither buttons nor the search when nothing is configured', async () => {
    const { telemetry: _t, ...plain } = run;
    await renderInTestApp(
      <EntityProvider entity={fraudDetector}>
        <RunsTab />
      </EntityProvider>,
      {
        apis: apis(
          [],
          { model: 'fraud-detector', runs: [plain], deployments: [] },
          found,
        ),
      },
    );
    expect(await screen.findByText(run.name)).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: /Logs ·/ }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('Past logs')).not.toBeInTheDocument();
  });
});
