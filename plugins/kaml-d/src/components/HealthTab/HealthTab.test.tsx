import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { Theme, useTheme } from '@material-ui/core/styles';
import userEvent from '@testing-library/user-event';
import { ObservationResponse } from '@kaml-d/plugin-kaml-d-common';
import { KamlDApi, kamlDApiRef } from '../../api';
import { fraudDetector } from '../__fixtures__/entities';
import { mockKamlDApi, pending, responseError } from '../__fixtures__/kamlDApi';
import { HealthTab } from './HealthTab';
import { formatValue } from './format';

const T0 = 1764132000;

const unhealthy: ObservationResponse = {
  entityRef: 'model:default/fraud-detector',
  range: '1h',
  stepSeconds: 15,
  headline: {
    status: 'unhealthy',
    reason:
      '1 alert firing — KamlModelHighErrorRate (critical): Model answers 31% with 5xx',
  },
  configured: { kubernetes: true, prometheus: true },
  workloads: [
    {
      cluster: 'rig',
      kind: 'Pod',
      namespace: 'kaml-d-models',
      name: 'fraud-detector-predictor-1',
      phase: 'CrashLoopBackOff',
      healthy: false,
      restarts: 7,
      conditions: [
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
      ],
    },
  ],
  events: [
    {
      cluster: 'rig',
      object: 'Pod/fraud-detector-predictor-1',
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      count: 12,
    },
  ],
  panels: [
    {
      id: 'latency',
      title: 'Latency',
      unit: 'seconds',
      source: 'main',
      series: [
        {
          label: 'p50',
          points: [
            [T0, 0.018],
            [T0 + 15, 0.021],
          ],
        },
        {
          label: 'p95',
          points: [
            [T0, 1.2],
            [T0 + 15, 2.5],
          ],
        },
      ],
    },
    { id: 'gpuUtil', title: 'GPU utilisation', unit: 'percent', series: [] },
  ],
  alerts: [
    {
      name: 'KamlModelHighErrorRate',
      severity: 'critical',
      summary: 'Model answers 31% with 5xx',
      activeAt: '2026-11-26T04:36:31Z',
      source: 'main',
      labels: { alertname: 'KamlModelHighErrorRate' },
    },
  ],
  links: [
    {
      title: 'Grafana dashboard',
      url: 'https://grafana.example.com/d/kaml-model?var-model=fraud-detector',
    },
  ],
  errors: [
    {
      source: 'kubernetes',
      name: 'lab',
      message:
        'Kubernetes cluster unreachable or refused: connect ECONNREFUSED',
    },
  ],
  observedAt: '2026-11-26T04:40:00Z',
};

let theme: Theme | undefined;
/** Captures the theme the tab renders with, to compare its colours. */
function ThemeProbe() {
  theme = useTheme();
  return null;
}

async function render(kamlD: Partial<KamlDApi>) {
  return renderInTestApp(
    <EntityProvider entity={fraudDetector}>
      <ThemeProbe />
      <HealthTab />
    </EntityProvider>,
    { apis: [[kamlDApiRef, mockKamlDApi(kamlD)]] },
  );
}

/** The colour as the browser computes it (`rgb(…)`), for comparison with a computed style. */
function rgb(colour: string): string {
  const probe = document.createElement('div');
  probe.style.backgroundColor = colour;
  return probe.style.backgroundColor;
}

describe('Health tab', () => {
  it('shows the headline, alerts, labelled charts, workloads, events and the source that failed', async () => {
    const getObservation = jest.fn(async () => unhealthy);
    await render({ getObservation });
    const headline = await screen.findByRole('status', {
      name: 'Health: Unhealthy',
    });
    expect(headline).toHaveTextContent(
      'KamlModelHighErrorRate (critical): Model answers 31% with 5xx',
    );
    // a red chip, in the theme's error colour
    const chip = within(headline).getByText('Unhealthy').closest('div');
    expect(getComputedStyle(chip!).backgroundColor).toBe(
      rgb(theme!.palette.error.main),
    );
    expect(getObservation).toHaveBeenCalledWith(
      { kind: 'model', namespace: 'default', name: 'fraud-detector' },
      '1h',
    );
    const alerts = within(screen.getByRole('table', { name: 'Firing alerts' }));
    expect(alerts.getByText('critical')).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'Latency: latest p50 21 ms, p95 2.5 s' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No data for gpu utilisation in this range.'),
    ).toBeInTheDocument();
    const workloads = within(screen.getByRole('table', { name: 'Workloads' }));
    expect(workloads.getByText('CrashLoopBackOff')).toBeInTheDocument();
    expect(workloads.getByText('7')).toBeInTheDocument();
    expect(
      screen.getByText('Back-off restarting failed container'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Kubernetes lab: Kubernetes cluster unreachable/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Grafana dashboard/ }),
    ).toHaveAttribute(
      'href',
      'https://grafana.example.com/d/kaml-model?var-model=fraud-detector',
    );
  });

  it('shows an entity with only a warning firing amber, not red', async () => {
    await render({
      getObservation: async () => ({
        ...unhealthy,
        headline: {
          status: 'degraded',
          reason:
            '1 alert firing — KamlModelHighLatency (warning): p95 latency is 4.9s',
        },
        alerts: [
          {
            ...unhealthy.alerts[0],
            name: 'KamlModelHighLatency',
            severity: 'warning',
          },
        ],
      }),
    });
    const headline = await screen.findByRole('status', {
      name: 'Health: Degraded',
    });
    const chip = within(headline).getByText('Degraded').closest('div');
    expect(getComputedStyle(chip!).backgroundColor).toBe(
      rgb(theme!.palette.warning.main),
    );
    expect(getComputedStyle(chip!).backgroundColor).not.toBe(
      rgb(theme!.palette.error.main),
    );
    expect(
      within(screen.getByRole('table', { name: 'Firing alerts' })).getByText(
        'warning',
      ),
    ).toBeInTheDocument();
  });

  it('asks again with the range the user picks', async () => {
    const getObservation = jest.fn(async () => unhealthy);
    await render({ getObservation });
    await screen.findByRole('status');
    await userEvent.click(screen.getByRole('button', { name: /Last hour/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Last 24 hours' }),
    );
    expect(getObservation).toHaveBeenLastCalledWith(expect.anything(), '24h');
  });

  it('explains what to configure when neither Kubernetes nor Prometheus is', async () => {
    await render({
      getObservation: async () => ({
        ...unhealthy,
        headline: { status: 'unknown', reason: 'Nothing to observe' },
        configured: { kubernetes: false, prometheus: false },
        workloads: [],
        events: [],
        panels: [],
        alerts: [],
        errors: [],
        links: [],
      }),
    });
    expect(
      await screen.findByText('Health needs Kubernetes or Prometheus'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('kamlD.observation.prometheus'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('shows the loading state', async () => {
    await render({ getObservation: () => pending() });
    expect(
      await screen.findByRole('progressbar', { name: 'Loading health' }),
    ).toBeInTheDocument();
  });

  it('shows the error the backend gave', async () => {
    const error = await responseError(
      404,
      'NotFoundError',
      'No entity model:default/fraud-detector in the catalog',
    );
    await render({
      getObservation: async () => {
        throw error;
      },
    });
    expect(
      await screen.findByText(
        /No entity model:default\/fraud-detector in the catalog/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('formats values in their unit', () => {
    expect(formatValue('ratio', 0.3125)).toBe('31.3 %');
    expect(formatValue('bytes', 2.5 * 1024 ** 3)).toBe('2.5 GiB');
    expect(formatValue('mebibytes', 36500)).toBe('35.6 GiB');
    expect(formatValue('reqps', 40.123)).toBe('40.12 req/s');
  });
});
