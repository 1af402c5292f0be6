import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { DatasetProfileResponse } from '@kaml-d/plugin-kaml-d-common';

type Bars = NonNullable<DatasetProfileResponse['histogram']>;

const useStyles = makeStyles(theme => ({
  plot: {
    display: 'flex',
    alignItems: 'flex-end',
    gap: theme.spacing(0.5),
    width: '100%',
    height: theme.spacing(24),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  bar: {
    flex: 1,
    minWidth: 0,
    backgroundColor: theme.palette.primary.main,
    borderTopLeftRadius: theme.shape.borderRadius,
    borderTopRightRadius: theme.shape.borderRadius,
  },
  axis: {
    display: 'flex',
    justifyContent: 'space-between',
    color: theme.palette.text.secondary,
  },
}));

/** `1234.5678` → `1,234.57`: axis labels short enough to read. */
export function formatBound(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** Label of one bar, `[lower, upper)` or `[lower, upper]` for the last one, with its count. */
export function barLabel(bars: Bars, index: number): string {
  const bar = bars[index];
  const inclusive = index === bars.length - 1 ? ' (inclusive)' : '';
  const rows = bar.count === 1 ? 'row' : 'rows';
  return `${formatBound(bar.lower)} to ${formatBound(
    bar.upper,
  )}${inclusive}: ${bar.count.toLocaleString('en-US')} ${rows}`;
}

/**
 * Equal-width bars of a numeric column, as wide as their container; every bar is labelled for
 * assistive technology and on hover.
 */
export function Histogram(props: { column: string; bars: Bars }) {
  const classes = useStyles();
  const { column, bars } = props;
  const highest = Math.max(1, ...bars.map(b => b.count));
  return (
    <Box role="figure" aria-label={`Histogram of ${column}`}>
      <div className={classes.plot} role="list">
        {bars.map((bar, i) => {
          const label = barLabel(bars, i);
          return (
            <div
              key={`${bar.lower}-${bar.upper}`}
              role="listitem"
              aria-label={label}
              title={label}
              className={classes.bar}
              style={{ height: `${(bar.count / highest) * 100}%` }}
            />
          );
        })}
      </div>
      <div className={classes.axis}>
        <Typography variant="caption">
          {formatBound(bars[0]?.lower ?? 0)}
        </Typography>
        <Typography variant="caption">
          {formatBound(bars[bars.length - 1]?.upper ?? 0)}
        </Typography>
      </div>
    </Box>
  );
}
