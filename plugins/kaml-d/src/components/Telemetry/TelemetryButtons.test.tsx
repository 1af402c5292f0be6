import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { ObservationResponse } from '@kaml-d/plugin-kaml-d-common';
import { EntityTelemetryCard, TelemetryButtons } from './TelemetryButtons';

const base: ObservationResponse = {
  entityRef: 'model:default/fraud-detector',
  range: '1h',
  stepSeconds: 15,
  headline: { status: 'healthy', reason: 'ok' },
  configured: { kubernetes: true, prometheus: false, logs: true, traces: true },
  workloads: [],
  events: [],
  panels: [],
  alerts: [],
  errors: [],
  links: [],
  observedAt: '2026-01-01T00:00:00.000Z',
};

describe('TelemetryButtons', () => {
  it('opens each configured tool in a new tab, logs first', async () => {
    await renderInTestApp(
      <TelemetryButtons
        subject="pod p"
        links={{
          logs: [
            {
              tool: 'kibana',
              title: 'Kibana',
              url: "https://k/app/discover#/?_a=(q:'a!'b')",
            },
          ],
          traces: [
            {
              tool: 'tempo',
              title: 'Grafana (Tempo)',
              url: 'https://g/explore?panes=%7B%7D',
            },
          ],
        }}
      />,
    );
    const nav = screen.getByRole('navigation', {
      name: 'Logs and traces of pod p',
    });
    const links = Array.from(nav.querySelectorAll('a'));
    expect(links.map(a => [a.textContent, a.getAttribute('href')])).toEqual([
      ['Logs · Kibana', "https://k/app/discover#/?_a=(q:'a!'b')"],
      ['Traces · Grafana (Tempo)', 'https://g/explore?panes=%7B%7D'],
    ]);
    expect(links[0]).toHaveAttribute('rel', 'noopener noreferrer');
  });

  it('renders nothing without links', async () => {
    await renderInTestApp(
      <div data-testid="box">
        <TelemetryButtons subject="x" links={{ logs: [], traces: [] }} />
      </div>,
    );
    expect(screen.getByTestId('box')).toBeEmptyDOMElement();
  });
});

describe('EntityTelemetryCard', () => {
  it('says how to configure log and trace tools when none is', async () => {
    await renderInTestApp(
      <EntityTelemetryCard
        subject="fraud-detector"
        answer={{ ...base, configured: { kubernetes: true, prometheus: true } }}
      />,
    );
    expect(
      screen.getByText(/No log or trace tool is configured/),
    ).toBeInTheDocument();
    const snippet = screen.getByLabelText('Logs and traces configuration');
    expect(snippet.textContent).toContain('kamlD:\n  observation:\n    logs:');
    expect(snippet.textContent).toContain(
      'jaeger: { url: https://jaeger.example.com }',
    );
  });

  it("shows the entity's links when a tool is configured", async () => {
    await renderInTestApp(
      <EntityTelemetryCard
        subject="fraud-detector"
        answer={{
          ...base,
          telemetry: {
            logs: [
              {
                tool: 'grafana',
                title: 'Grafana (Loki)',
                url: 'https://g/explore',
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
        }}
      />,
    );
    expect(
      screen.getByRole('link', { name: 'Traces · Jaeger' }),
    ).toHaveAttribute('href', 'https://j/search?service=fraud-detector');
    expect(screen.queryByText(/No log or trace tool/)).not.toBeInTheDocument();
  });
});
