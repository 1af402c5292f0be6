import { render, screen, within } from '@testing-library/react';
import { ThemeProvider, createTheme } from '@material-ui/core/styles';
import { ObservationPanel } from '@kaml-d/plugin-kaml-d-common';
import { LineChart, describePanel, unitLabel } from './LineChart';

// jsdom lays nothing out, so recharts draws a 0×0 chart: these tests read what a screen reader
// reads (the description and the data table), the browser tests what is drawn
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
        [1764133320, 2.5],
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
  it('describes each series by its latest value and lists every point in a table for screen readers', () => {
    renderChart(latency);
    expect(
      screen.getByRole('img', { name: 'Latency: latest p50 21 ms, p95 2.5 s' }),
    ).toBeInTheDocument();
    const table = screen.getByRole('table', {
      name: 'Latency: values by time',
    });
    const rows = within(table).getAllByRole('row');
    expect(rows.map(r => r.textContent)).toEqual([
      'Time (UTC)p50p95',
      '05:0020 ms2.4 s',
      '05:0121 ms—',
      '05:02—2.5 s',
    ]);
    expect(unitLabel(latency)).toBe('Seconds');
  });

  it('names the x axis and labels it with formatX (model versions)', () => {
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
    render(
      <ThemeProvider theme={theme}>
        <LineChart
          panel={auc}
          rangeSeconds={0}
          formatX={x => `v${x}`}
          xLabel="Model version"
          markers
        />
      </ThemeProvider>,
    );
    expect(
      screen.getByRole('img', { name: 'auc by version: latest auc 0.95' }),
    ).toBeInTheDocument();
    const table = screen.getByRole('table', {
      name: 'auc by version: values by model version',
    });
    expect(
      within(table).getByRole('columnheader', { name: 'Model version' }),
    ).toBeInTheDocument();
    expect(
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map(r => r.textContent),
    ).toEqual(['v10.9', 'v20.93', 'v40.95']);
  });

  it('says there is no data instead of drawing an empty chart', () => {
    const empty = { ...latency, series: [] };
    renderChart(empty);
    expect(
      screen.getByText('No data for latency in this range.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(describePanel(empty)).toBe('Latency: no data');
  });
});
