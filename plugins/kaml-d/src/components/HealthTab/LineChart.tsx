import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ObservationPanel } from '@kaml-d/plugin-kaml-d-common';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart as RechartsLineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ChartDataTable, useChartTheme } from '../charts';
import { formatTime, formatValue } from './format';

const HEIGHT = 200;

const useStyles = makeStyles({
  root: { width: '100%', margin: 0, position: 'relative' },
});

/** The latest value of each series, as the chart's accessible description says it. */
export function describePanel(panel: ObservationPanel): string {
  const latest = panel.series
    .map(s => {
      const last = s.points[s.points.length - 1];
      return last
        ? `${s.label} ${formatValue(panel.unit, last[1])}`
        : undefined;
    })
    .filter(Boolean);
  return `${panel.title}: ${
    latest.length ? `latest ${latest.join(', ')}` : 'no data'
  }`;
}

const UNIT_LABELS: Record<string, string> = {
  reqps: 'Requests per second',
  seconds: 'Seconds',
  ratio: 'Share',
  percent: 'Percent',
  cores: 'CPU cores',
  mebibytes: 'Memory',
  bytes: 'Bytes',
};

/** The y axis label of a panel: what its unit measures, or its title. */
export function unitLabel(panel: ObservationPanel): string {
  return UNIT_LABELS[panel.unit] ?? panel.title;
}

/** One row per x of any series, each series' value under `s<index>` (absent where it has none). */
function rowsOf(panel: ObservationPanel) {
  const byX = new Map<number, Record<string, number>>();
  panel.series.forEach((s, i) => {
    for (const [x, y] of s.points) {
      const row = byX.get(x) ?? { x };
      row[`s${i}`] = y;
      byX.set(x, row);
    }
  });
  return [...byX.values()].sort((a, b) => a.x - b.x);
}

/**
 * A line chart of one panel (recharts): theme colours, sized to its container, a tooltip, a
 * legend when there is more than one series, labelled axes, and its data as a table for screen
 * readers. The x axis is time (seconds) unless `formatX` says how to label it (such as `v3` for
 * model versions, with `xLabel` naming it); `markers` draws a dot at each point.
 */
export function LineChart(props: {
  panel: ObservationPanel;
  rangeSeconds: number;
  formatX?: (x: number) => string;
  xLabel?: string;
  markers?: boolean;
}) {
  const { panel, rangeSeconds, markers } = props;
  const classes = useStyles();
  const chart = useChartTheme();
  const rows = rowsOf(panel);
  if (rows.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No data for {panel.title.toLocaleLowerCase('en-US')} in this range.
      </Typography>
    );
  }
  const withDate = rangeSeconds > 86400;
  const formatX = props.formatX ?? ((x: number) => formatTime(x, withDate));
  const xLabel = props.xLabel ?? 'Time (UTC)';
  const yLabel = unitLabel(panel);
  const colour = (i: number) => chart.series[i % chart.series.length];
  return (
    <figure className={classes.root}>
      <div role="img" aria-label={describePanel(panel)}>
        <ResponsiveContainer width="100%" height={HEIGHT}>
          <RechartsLineChart
            data={rows}
            margin={{ top: 8, right: 16, bottom: 16, left: 8 }}
          >
            <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" />
            <XAxis
              dataKey="x"
              type="number"
              domain={['dataMin', 'dataMax']}
              // few points (versions): a tick at each one, not at fractions between them
              ticks={markers ? rows.map(r => r.x) : undefined}
              tickFormatter={x => formatX(Number(x))}
              stroke={chart.axis}
              tick={chart.tick}
              label={{
                value: xLabel,
                position: 'insideBottom',
                offset: -10,
                fill: chart.axis,
                fontSize: 12,
              }}
            />
            <YAxis
              width={72}
              tickFormatter={y => formatValue(panel.unit, Number(y))}
              stroke={chart.axis}
              tick={chart.tick}
              label={{
                value: yLabel,
                angle: -90,
                position: 'insideLeft',
                fill: chart.axis,
                fontSize: 12,
                style: { textAnchor: 'middle' },
              }}
            />
            <Tooltip
              {...chart.tooltip}
              labelFormatter={x => formatX(Number(x))}
              formatter={y => formatValue(panel.unit, Number(y))}
            />
            {panel.series.length > 1 ? (
              <Legend verticalAlign="top" height={24} />
            ) : null}
            {panel.series.map((s, i) => (
              <Line
                key={s.label}
                dataKey={`s${i}`}
                name={s.label}
                type="linear"
                stroke={colour(i)}
                strokeWidth={1.5}
                dot={markers ? { r: 3, fill: colour(i) } : false}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </RechartsLineChart>
        </ResponsiveContainer>
      </div>
      <ChartDataTable
        caption={`${panel.title}: values by ${xLabel
          .replace(/ \(UTC\)$/, '')
          .toLocaleLowerCase('en-US')}`}
        headers={[xLabel, ...panel.series.map(s => s.label)]}
        rows={rows.map(r => [
          formatX(r.x),
          ...panel.series.map((_, i) =>
            r[`s${i}`] === undefined
              ? '—'
              : formatValue(panel.unit, r[`s${i}`]),
          ),
        ])}
      />
    </figure>
  );
}
