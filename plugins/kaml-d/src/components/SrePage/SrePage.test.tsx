import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { SreOverviewResponse } from '@kaml-d/plugin-kaml-d-common';
import { KamlDApi, kamlDApiRef } from '../../api';
import { mockKamlDApi, pending, responseError } from '../__fixtures__/kamlDApi';
import { rootRouteRef } from '../../routes';
import { SrePage } from './SrePage';

const overview: SreOverviewResponse = {
  configured: { kubernetes: true, prometheus: true },
  nodes: [
    {
      cluster: 'rig',
      name: 'kwok-cpu-0',
      ready: true,
      gpuAllocatable: 0,
      gpuRequested: 0,
    },
    {
      cluster: 'rig',
      name: 'kwok-gpu-0',
      ready: true,
      gpuAllocatable: 2,
      gpuRequested: 1,
      gpuUtilisation: 87.4,
    },
  ],
  failingRuns: [
    {
      cluster: 'rig',
      kind: 'Job',
      namespace: 'kaml-d-training',
      name: 'traffic-forecaster-train-v6',
      phase: 'Failed',
      healthy: false,
      conditions: [
        { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' },
      ],
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
  errors: [
    {
      source: 'prometheus',
      name: 'edge',
      message: 'Prometheus unreachable at the configured URL',
    },
  ],
  observedAt: '2026-11-26T05:00:00Z',
};

async function render(kamlD: Partial<KamlDApi>) {
  return renderInTestApp(<SrePage />, {
    apis: [[kamlDApiRef, mockKamlDApi(kamlD)]],
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': entityRouteRef,
      '/kaml-d': rootRouteRef,
    },
  });
}

describe('SRE page', () => {
  it('shows nodes with GPUs, failing runs and alerts, each row linking to its entity', async () => {
    await render({ getSreOverview: async () => overview });
    const nodes = within(
      await screen.findByRole('table', { name: 'Cluster nodes' }),
    );
    const gpuRow = within(
      nodes.getByText('kwok-gpu-0').closest('tr') as HTMLElement,
    );
    expect(gpuRow.getByText('1 of 2')).toBeInTheDocument();
    expect(gpuRow.getByText('87 %')).toBeInTheDocument();
    expect(
      within(
        nodes.getByText('kwok-cpu-0').closest('tr') as HTMLElement,
      ).getByText('no GPU'),
    ).toBeInTheDocument();
    const runs = within(
      screen.getByRole('table', { name: 'Failing training runs' }),
    );
    expect(runs.getByText('BackoffLimitExceeded')).toBeInTheDocument();
    expect(
      runs.getByRole('link', { name: /traffic-forecaster/ }),
    ).toHaveAttribute(
      'href',
      expect.stringContaining('/catalog/default/model/traffic-forecaster'),
    );
    const alerts = within(screen.getByRole('table', { name: 'Firing alerts' }));
    expect(
      alerts.getByRole('link', { name: /voice-classifier/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Every Deployment has its replicas ready.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Prometheus edge: Prometheus unreachable/),
    ).toBeInTheDocument();
    // storage: the Workbench's summary (61.25 MB of 1 GB, 6.1 %), linking to the Workbench
    const storage = within(
      await screen.findByRole('table', { name: 'Storage capacity' }),
    );
    expect(storage.getByText('61.3 MB')).toBeInTheDocument();
    expect(storage.getByText('1.0 GB')).toBeInTheDocument();
    expect(storage.getByText('6.1 %')).toBeInTheDocument();
    expect(
      storage.getByRole('link', { name: 'kaml-datasets' }),
    ).toHaveAttribute('href', '/kaml-d');
  });

  it('says when storage has no capacity configured, and when the summary fails', async () => {
    const first = await render({
      getSreOverview: async () => overview,
      getStorageSummary: async () => ({
        adapter: 's3',
        buckets: ['kaml-datasets'],
        datasets: 1,
        objects: 2,
        bytes: 2048,
        measuredAt: '2026-11-26T05:00:00Z',
      }),
    });
    const storage = within(
      await screen.findByRole('table', { name: 'Storage capacity' }),
    );
    expect(storage.getByText('not configured')).toBeInTheDocument();
    expect(storage.getByText('2.0 kB')).toBeInTheDocument();
    first.unmount();
    const error = await responseError(
      503,
      'Error',
      'bucket kaml-datasets unreachable',
    );
    await render({
      getSreOverview: async () => overview,
      getStorageSummary: async () => {
        throw error;
      },
    });
    expect(
      await screen.findByText(
        /Storage summary unavailable: .*bucket kaml-datasets unreachable/,
      ),
    ).toBeInTheDocument();
  });

  it('explains what to configure when nothing is', async () => {
    await render({
      getSreOverview: async () => ({
        ...overview,
        configured: { kubernetes: false, prometheus: false },
        errors: [],
      }),
    });
    expect(
      await screen.findByText(
        'The SRE overview needs Kubernetes or Prometheus',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('shows loading, and the error of the backend', async () => {
    const first = await render({ getSreOverview: () => pending() });
    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading the platform overview',
      }),
    ).toBeInTheDocument();
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
