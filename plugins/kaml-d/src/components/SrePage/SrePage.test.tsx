import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { SreOverviewResponse } from '@kaml-d/plugin-kaml-d-common';
import { KamlDApi, kamlDApiRef } from '../../api';
import { mockKamlDApi, pending, responseError } from '../__fixtures__/kamlDApi';
import { SrePage } from './SrePage';

const overview: SreOverviewResponse = {
  configured: { kubernetes: true, prometheus: true },
  nodes: [
    { cluster: 'rig', name: 'kwok-cpu-0', ready: true, gpuAllocatable: 0, gpuRequested: 0 },
    { cluster: 'rig', name: 'kwok-gpu-0', ready: true, gpuAllocatable: 2, gpuRequested: 1, gpuUtilisation: 87.4 },
  ],
  failingRuns: [
    {
      cluster: 'rig',
      kind: 'Job',
      namespace: 'kaml-d-training',
      name: 'traffic-forecaster-train-v6',
      phase: 'Failed',
      healthy: false,
      conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }],
      entityRef: 'model:default/traffic-forecaster',
    },
  ],
  unhealthyEndpoints: [],
  alerts: [
    {
      name: 'KamlModelHighLatency',
      severity: 'warning',
      summary: 'Model voice-classifier p95 latency is 5.6s',
      source: 'rig',
      labels: { alertname: 'KamlModelHighLatency', model: 'voice-classifier' },
      entityRef: 'model:default/voice-classifier',
    },
  ],
  errors: [{ source: 'prometheus', name: 'edge', message: 'Prometheus unreachable at the configured URL' }],
  observedAt: '2026-11-26T05:00:00Z',
};

async function render(kamlD: Partial<KamlDApi>) {
  return renderInTestApp(<SrePage />, {
    apis: [[kamlDApiRef, mockKamlDApi(kamlD)]],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

describe('SRE page', () => {
  it('shows nodes with GPUs, failing runs and alerts, each row linking to its entity', async () => {
    await render({ getSreOverview: async () => overview });
    const nodes = within(await screen.findByRole('table', { name: 'Cluster nodes' }));
    const gpuRow = within(nodes.getByText('kwok-gpu-0').closest('tr') as HTMLElement);
    expect(gpuRow.getByText('1 of 2')).toBeInTheDocument();
    expect(gpuRow.getByText('87 %')).toBeInTheDocument();
    expect(within(nodes.getByText('kwok-cpu-0').closest('tr') as HTMLElement).getByText('no GPU')).toBeInTheDocument();
    const runs = within(screen.getByRole('table', { name: 'Failing training runs' }));
    expect(runs.getByText('BackoffLimitExceeded')).toBeInTheDocument();
    expect(runs.getByRole('link', { name: /traffic-forecaster/ })).toHaveAttribute(
      'href',
      expect.stringContaining('/catalog/default/model/traffic-forecaster'),
    );
    const alerts = within(screen.getByRole('table', { name: 'Firing alerts' }));
    expect(alerts.getByRole('link', { name: /voice-classifier/ })).toBeInTheDocument();
    expect(screen.getByText('Every Deployment has its replicas ready.')).toBeInTheDocument();
    expect(screen.getByText(/Prometheus edge: Prometheus unreachable/)).toBeInTheDocument();
  });

  it('explains what to configure when nothing is', async () => {
    await render({
      getSreOverview: async () => ({ ...overview, configured: { kubernetes: false, prometheus: false }, errors: [] }),
    });
    expect(await screen.findByText('The SRE overview needs Kubernetes or Prometheus')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('shows loading, and the error of the backend', async () => {
    const first = await render({ getSreOverview: () => pending() });
    expect(await screen.findByRole('progressbar', { name: 'Loading the platform overview' })).toBeInTheDocument();
    first.unmount();
    const error = await responseError(500, 'Error', 'catalog unavailable');
    await render({
      getSreOverview: async () => {
        throw error;
      },
    });
    expect(await screen.findByText(/catalog unavailable/)).toBeInTheDocument();
  });
});
