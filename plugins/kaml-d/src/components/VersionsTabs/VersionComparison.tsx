import { ModelVersionComparison } from '@kaml-d/plugin-kaml-d-common';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { formatMetric } from './modelVersionsFormat';
import { useVersionsStyles } from './versionsStyles';

/** The metrics of the compared versions side by side: a row per metric, a column per version. */
export function VersionComparison(props: {
  comparison: ModelVersionComparison;
}) {
  const { comparison } = props;
  const classes = useVersionsStyles();
  return (
    <Paper className={classes.section} aria-label="Version comparison">
      <Typography variant="h6">
        Comparison of {comparison.versions.map(v => `v${v}`).join(', ')}
      </Typography>
      <Table size="small" aria-label="Compared metrics">
        <TableHead>
          <TableRow>
            <TableCell>Metric</TableCell>
            {comparison.rows.map(r => (
              <TableCell key={r.version} align="right">
                v{r.version}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {comparison.metrics.map((m, i) => (
            <TableRow key={m}>
              <TableCell>{m}</TableCell>
              {comparison.rows.map(r => (
                <TableCell key={r.version} align="right">
                  {formatMetric(r.values[i])}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Paper>
  );
}
