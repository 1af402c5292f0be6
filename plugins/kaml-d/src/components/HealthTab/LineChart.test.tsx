import { render, screen } from '@testing-library/react';
import { ThemeProvider, createTheme } from '@material-ui/core/styles';
import { ObservationPanel } from '@kaml-d/plugin-kaml-d-common';
import { LineChart, describePanel } from './LineChart';

const theme = createTheme({
  palette: { primary: { main: '#123456' }, secondary: { main: '#abcdef' } },
});

const latency: ObservationPanel = {
  id: 'latency',
  title: 'Latency',
  unit: 'seconds',
  series: [
    {
      label: 'p50',
      points: [
        [1764133200, 0.02],
        [1764133260, 0.021],
      ],
    },
    {
      label: 'p95',
      points: [
        [1764133200, 2.4],
        [1764133260, 2.5],
      ],
    },
  ],
};

function renderChart(panel: ObservationPanel) {
  return render(
    <ThemeProvider theme={theme}>
      <LineChart panel={panel} rangeSeconds={3600} />
    </ThemeProvider>,
  );
}

describe('LineChart', () => {
  const original = Object.getOwnPropertyDescriptor(
    HTMLElement.prototype,
    'clientWidth',
  );
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
      configurable: true,
      get: () => 733,
    });
  });
  afterAll(() => {
    if (original)
      Object.defineProperty(HTMLElement.prototype, 'clientWidth', original);
  });

  it('draws each series in the theme colours, as wide as its container, labelled with the latest values', () => {
    const { container } = renderChart(latency);
    const svg = screen.getByRole('img', {
      name: 'Latency: latest p50 21 ms, p95 2.5 s',
    });
    expect(svg).toHaveAttribute('width', '733');
    expect(svg).toHaveAttribute('viewBox', '0 0 733 160');
    const strokes = Array.from(container.querySelectorAll('polyline')).map(p =>
      p.getAttribute('stroke'),
    );
    expect(strokes).toEqual(['#123456', '#abcdef']);
    expect(screen.getByText('p50')).toBeInTheDocument();
    expect(screen.getByText('p95')).toBeInTheDocument();
  });

  it('labels the x axis with formatX and marks each point when asked (model versions)', () => {
    const auc: ObservationPanel = {
      id: 'auc',
      title: 'auc by version',
      unit: 'none',
      series: [
        {
          label: 'auc',
          points: [
            [1, 0.9],
            [2, 0.93],
            [4, 0.95],
          ],
        },
      ],
    };
    const { container } = render(
      <ThemeProvider theme={theme}>
        <LineChart
          panel={auc}
          rangeSeconds={0}
          formatX={x => `v${x}`}
          markers
        />
      </ThemeProvider>,
    );
    const svg = screen.getByRole('img', {
      name: 'auc by version: latest auc 0.95',
    });
    expect(screen.getByText('v1')).toBeInTheDocument();
    expect(screen.getByText('v4')).toBeInTheDocument();
    const dots = Array.from(svg.querySelectorAll('circle'));
    expect(dots.map(d => d.getAttribute('fill'))).toEqual([
      '#123456',
      '#123456',
      '#123456',
    ]);
    expect(dots[2].textContent).toBe('auc v4: 0.95');
    expect(container.querySelector('polyline')).toHaveAttribute(
      'stroke',
      '#123456',
    );
  });

  it('says there is no data instead of drawing an empty chart', () => {
    const empty = { ...latency, series: [] };
    renderChart(empty);
    expect(
      screen.getByText('No data for latency in this range.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(describePanel(empty)).toBe('Latency: no data');
  });
});
