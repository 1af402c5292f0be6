import { DatasetProfileResponse } from '@kaml-d/plugin-kaml-d-common';
import { makeStyles } from '@material-ui/core/styles';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ChartDataTable, useChartTheme } from '../charts';
import { formatBound, formatCount } from './profileFormat';

/** One bar: its short axis label, the values it covers in words, and its rows. */
export interface HistogramBar {
  label: string;
  range: string;
  count: number;
}

type NumericBins = NonNullable<DatasetProfileResponse['histogram']>;
type TimeBins = NonNullable<DatasetProfileResponse['timeHistogram']>;

/** Bars of equal-width numeric bins: labelled by their lower bound, the last one closed. */
export function numericBars(bins: NumericBins): HistogramBar[] {
  return bins.map((bin, i) => ({
    label: formatBound(bin.lower),
    range: `${formatBound(bin.lower)} to ${formatBound(bin.upper)}${
      i === bins.length - 1 ? ' (inclusive)' : ''
    }`,
    count: bin.count,
  }));
}

/** Bars of calendar buckets, labelled by their start (`2026-03`). */
export function timeBars(histogram: TimeBins): HistogramBar[] {
  return histogram.bins.map(bin => ({
    label: bin.start,
    range: bin.start,
    count: bin.count,
  }));
}

const HEIGHT = 240;

const useStyles = makeStyles({
  root: { width: '100%', margin: 0, position: 'relative' },
});

/**
 * A histogram (recharts bar chart) as wide as its container: the x axis names the column, the
 * y axis the rows; a tooltip gives each bar's range and count, and a table read by screen
 * readers lists every bar.
 */
export function Histogram(props: {
  /** The figure's accessible name, such as `Histogram of amount`. */
  title: string;
  bars: HistogramBar[];
  xLabel: string;
  yLabel?: string;
}) {
  const { title, bars, xLabel, yLabel = 'Rows' } = props;
  const classes = useStyles();
  const chart = useChartTheme();
  return (
    <figure className={classes.root} aria-label={title}>
      <ResponsiveContainer width="100%" height={HEIGHT}>
        <BarChart
          data={bars}
          margin={{ top: 8, right: 16, bottom: 24, left: 8 }}
          barCategoryGap={1}
        >
          <CartesianGrid
            vertical={false}
            stroke={chart.grid}
            strokeDasharray="3 3"
          />
          <XAxis
            dataKey="label"
            stroke={chart.axis}
            tick={chart.tick}
            interval="preserveStartEnd"
            minTickGap={16}
            label={{
              value: xLabel,
              position: 'insideBottom',
              offset: -14,
              fill: chart.axis,
              fontSize: 12,
            }}
          />
          <YAxis
            width={72}
            allowDecimals={false}
            tickFormatter={n => formatCount(Number(n))}
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
            cursor={{ fill: chart.cursor }}
            labelFormatter={(label, payload) =>
              payload?.[0]?.payload?.range ?? String(label)
            }
            formatter={n => [formatCount(Number(n)), yLabel]}
          />
          <Bar
            dataKey="count"
            name={yLabel}
            fill={chart.series[0]}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
      <ChartDataTable
        caption={`${title}: ${yLabel.toLocaleLowerCase('en-US')} per bar`}
        headers={[xLabel, yLabel]}
        rows={bars.map(b => [b.range, formatCount(b.count)])}
      />
    </figure>
  );
}
