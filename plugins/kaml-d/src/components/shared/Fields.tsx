import { ReactNode } from 'react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  label: {
    color: theme.palette.text.secondary,
    textTransform: 'uppercase',
    fontSize: theme.typography.caption.fontSize,
    fontWeight: theme.typography.fontWeightBold as number,
    letterSpacing: 0.5,
  },
  value: {
    wordBreak: 'break-word',
  },
  none: {
    color: theme.palette.text.secondary,
    fontStyle: 'italic',
  },
}));

/** One labelled value of an entity card. */
export function Field(props: {
  label: string;
  /** What to show; `emptyText` is shown when this is `undefined`, `null` or empty. */
  children?: ReactNode;
  emptyText?: string;
  gridSizes?: { xs?: 12 | 6; sm?: 12 | 6 | 4 };
}) {
  const classes = useStyles();
  const { label, children, emptyText = 'Not set', gridSizes } = props;
  const empty =
    children === undefined ||
    children === null ||
    children === '' ||
    (Array.isArray(children) && children.length === 0);
  return (
    <Grid item xs={gridSizes?.xs ?? 12} sm={gridSizes?.sm ?? 6}>
      <Typography component="h3" className={classes.label}>
        {label}
      </Typography>
      {empty ? (
        <Typography variant="body2" className={classes.none}>
          {emptyText}
        </Typography>
      ) : (
        <Typography variant="body2" component="div" className={classes.value}>
          {children}
        </Typography>
      )}
    </Grid>
  );
}

/** A grid of {@link Field}s. */
export function Fields(props: { children: ReactNode }) {
  return (
    <Grid container spacing={2}>
      {props.children}
    </Grid>
  );
}
