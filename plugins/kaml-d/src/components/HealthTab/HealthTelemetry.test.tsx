import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { ObservationResponse } from '@kaml-d/plugin-kaml-d-common';
import { kamlDApiRef } from '../../api';
import { fraudDetector } from '../__fixtures__/entities';
import { mockKamlDApi } from '../__fixtures__/kamlDApi';
import { HealthTab } from './HealthTab';

const answer: ObservationResponse = {
  entityRef: 'model:default/fraud-detector',
  range: '1h',
  stepSeconds: 15,
  headline: { status: 'healthy', reason: 'All 1 workloads healthy' },
  configured: { kubernetes: true, prometheus: false, logs: true, traces: true },
  workloads: [
    {
      cluster: 'rig',
      kind: 'Pod',
      namespace: 'kaml-d-models',
      name: 'fraud-detector-7d9-abcde',
      phase: 'Running',
      healthy: true,
      restarts: 0,
      conditions: [],
      telemetry: {
        logs: [
          {
            tool: 'grafana',
            title: 'Grafana (Loki)',
            url: 'https://g/explore?pod=1',
          },
        ],
        traces: [
          {
            tool: 'jaeger',
            title: 'Jaeger',
            url: 'https://j/search?service=fraud-detector',
          },
        ],
      },
    },
  ],
  events: [],
  panels: [],
  alerts: [],
  errors: [],
  links: [],
  telemetry: {
    logs: [
      {
        tool: 'grafana',
        title: 'Grafana (Loki)',
        url: 'https://g/explore?all=1',
      },
    ],
    traces: [
      {
        tool: 'jaeger',
        title: 'Jaeger',
        url: 'https://j/search?service=fraud-detector',
      },
    ],
  },
  observedAt: '2026-01-01T00:00:00.000Z',
};

function render(value: ObservationResponse) {
  return renderInTestApp(
    <EntityProvider entity={fraudDetector}>
      <HealthTab />
    </EntityProvider>,
    {
      apis: [
        [kamlDApiRef, mockKamlDApi({ getObservation: async () => value })],
      ],
    },
  );
}

describe('Health tab logs and traces', () => {
  it('links each workload and the entity to the configured tools', async () => {
    await render(answer);
    const pod = await screen.findByRole('navigation', {
      name: 'Logs and traces of fraud-detector-7d9-abcde',
    });
    expect(
      within(pod).getByRole('link', { name: 'Logs · Grafana (Loki)' }),
    ).toHaveAttribute('href', 'https://g/explore?pod=1');
    const entity = screen.getByRole('navigation', {
      name: 'Logs and traces of fraud-detector',
    });
    expect(
      within(entity).getByRole('link', { name: 'Logs · Grafana (Loki)' }),
    ).toHaveAttribute('href', 'https://g/explore?all=1');
    expect(
      within(entity).getByRole('link', { name: 'Traces · Jaeger' }),
    ).toBeInTheDocument();
  });

  it('says how to configure them when no tool is configured', async () => {
    const { telemetry: _t, ...rest } = answer;
    await render({
      ...rest,
      configured: { kubernetes: true, prometheus: false },
      workloads: answer.workloads.map(({ telemetry: _w, ...w }) => w),
    });
    expect(
      await screen.findByText(/No log or trace tool is configured/),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('Logs and traces', { selector: 'th' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: /Logs ·/ }),
    ).not.toBeInTheDocument();
  });
});
