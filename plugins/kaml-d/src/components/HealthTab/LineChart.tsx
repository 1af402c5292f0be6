import { useEffect, useRef, useState } from 'react';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import { ObservationPanel } from '@kaml-d/plugin-kaml-d-common';
import { formatTime, formatValue } from './format';

const HEIGHT = 160;
const PAD = { left: 64, right: 8, top: 8, bottom: 20 };

const useStyles = makeStyles(theme => ({
  root: { width: '100%' },
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1.5),
    marginTop: theme.spacing(0.5),
    color: theme.palette.text.secondary,
  },
  swatch: {
    display: 'inline-block',
    width: theme.spacing(1.5),
    height: 3,
    marginRight: theme.spacing(0.5),
    verticalAlign: 'middle',
  },
}));

/** The chart's width follows its container (ResizeObserver where the browser has one). */
function useWidth(): [React.RefObject<HTMLDivElement>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(480);
  useEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    if (element.clientWidth > 0) setWidth(element.clientWidth);
    if (typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(entries => {
      const w = entries[0]?.contentRect.width;
      if (w && w > 0) setWidth(Math.round(w));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

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

/**
 * A line chart of one panel: theme colours, sized to its container, labelled for screen readers.
 * The x axis is time (seconds) unless `formatX` says how to label it (such as `v3` for model
 * versions); `markers` draws a dot at each point, for series of few points.
 */
export function LineChart(props: {
  panel: ObservationPanel;
  rangeSeconds: number;
  formatX?: (x: number) => string;
  markers?: boolean;
}) {
  const { panel, rangeSeconds, markers } = props;
  const classes = useStyles();
  const theme = useTheme();
  const [ref, width] = useWidth();
  const colours = [
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.warning.main,
    theme.palette.info.main,
    theme.palette.success.main,
    theme.palette.error.main,
  ];
  const points = panel.series.flatMap(s => s.points);
  if (points.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No data for {panel.title.toLocaleLowerCase('en-US')} in this range.
      </Typography>
    );
  }
  const xs = points.map(p => p[0]);
  const ys = points.map(p => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const y0 = Math.min(0, ...ys);
  const y1 = Math.max(...ys) > y0 ? Math.max(...ys) : y0 + 1;
  const plotW = Math.max(1, width - PAD.left - PAD.right);
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const sx = (x: number) =>
    PAD.left + (x1 > x0 ? ((x - x0) / (x1 - x0)) * plotW : plotW / 2);
  const sy = (y: number) => PAD.top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const withDate = rangeSeconds > 86400;
  const formatX = props.formatX ?? ((x: number) => formatTime(x, withDate));
  const text = { fill: theme.palette.text.secondary, fontSize: 11 };
  return (
    <div ref={ref} className={classes.root}>
      <svg
        width={width}
        height={HEIGHT}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        role="img"
        aria-label={describePanel(panel)}
      >
        <line
          x1={PAD.left}
          x2={PAD.left + plotW}
          y1={sy(y0)}
          y2={sy(y0)}
          stroke={theme.palette.divider}
        />
        <line
          x1={PAD.left}
          x2={PAD.left + plotW}
          y1={sy(y1)}
          y2={sy(y1)}
          stroke={theme.palette.divider}
          strokeDasharray="3 3"
        />
        <text x={PAD.left - 4} y={sy(y1) + 4} textAnchor="end" {...text}>
          {formatValue(panel.unit, y1)}
        </text>
        <text x={PAD.left - 4} y={sy(y0)} textAnchor="end" {...text}>
          {formatValue(panel.unit, y0)}
        </text>
        <text x={PAD.left} y={HEIGHT - 4} {...text}>
          {formatX(x0)}
        </text>
        <text x={PAD.left + plotW} y={HEIGHT - 4} textAnchor="end" {...text}>
          {formatX(x1)}
        </text>
        {panel.series.map((s, i) => (
          <polyline
            key={s.label}
            fill="none"
            stroke={colours[i % colours.length]}
            strokeWidth={1.5}
            points={s.points
              .map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
              .join(' ')}
          />
        ))}
        {markers &&
          panel.series.flatMap((s, i) =>
            s.points.map(([x, y]) => (
              <circle
                key={`${s.label}-${x}`}
                cx={sx(x)}
                cy={sy(y)}
                r={3}
                fill={colours[i % colours.length]}
              >
                <title>{`${s.label} ${formatX(x)}: ${formatValue(
                  panel.unit,
                  y,
                )}`}</title>
              </circle>
            )),
          )}
      </svg>
      <div className={classes.legend}>
        {panel.series.map((s, i) => (
          <Typography key={s.label} variant="caption">
            <span
              className={classes.swatch}
              style={{ backgroundColor: colours[i % colours.length] }}
            />
            {s.label}
          </Typography>
        ))}
      </div>
    </div>
  );
}
