import { ModelVersion } from '@kaml-d/plugin-kaml-d-common';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { LineChart } from '../HealthTab/LineChart';
import { metricPanels } from './modelVersionsFormat';
import { useVersionsStyles } from './versionsStyles';

/** A line chart per metric across the versions (recharts, via the Health tab's LineChart). */
export function MetricsCharts(props: { items: ModelVersion[] }) {
  const classes = useVersionsStyles();
  const panels = metricPanels(props.items);
  return (
    <Paper className={classes.section} aria-label="Metrics by version">
      <Typography variant="h6">Metrics by version</Typography>
      {panels.length === 0 ? (
        <Typography color="textSecondary">
          No metrics recorded: register versions with metrics (such as auc or
          loss) to chart them.
        </Typography>
      ) : (
        <Grid container spacing={2}>
          {panels.map(panel => (
            <Grid item xs={12} md={6} key={panel.id}>
              <Typography variant="subtitle2">{panel.title}</Typography>
              <LineChart
                panel={panel}
                rangeSeconds={0}
                formatX={x => `v${x}`}
                xLabel="Model version"
                markers
              />
            </Grid>
          ))}
        </Grid>
      )}
    </Paper>
  );
}
