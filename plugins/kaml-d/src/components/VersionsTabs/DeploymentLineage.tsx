import { Link } from '@backstage/core-components';
import { ModelVersionDeployment } from '@kaml-d/plugin-kaml-d-common';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { entityTabPath } from './permissions';
import { TrainedOnLinks } from './TrainedOnLinks';
import { useVersionsStyles } from './versionsStyles';

/** What a Deployment serves: `v2 (champion)`, a label that names no version, or nothing known. */
function servedVersion(deployment: ModelVersionDeployment): string {
  const { served } = deployment;
  if (served) {
    return `v${served.version}${
      served.aliases.length ? ` (${served.aliases.join(', ')})` : ''
    }`;
  }
  if (deployment.label) return `${deployment.label} (not a registered version)`;
  return 'version not recorded';
}

/** One serving Deployment per row: its track, readiness, version and the snapshots behind it. */
function DeploymentsTable(props: {
  entityRef: string;
  deployments: ModelVersionDeployment[];
}) {
  const { entityRef, deployments } = props;
  return (
    <Table size="small" aria-label="Deployments and the versions they serve">
      <TableHead>
        <TableRow>
          <TableCell>Deployment</TableCell>
          <TableCell>Track</TableCell>
          <TableCell align="right">Ready</TableCell>
          <TableCell>Serves</TableCell>
          <TableCell>Trained on</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {deployments.map(d => (
          <TableRow key={`${d.namespace}/${d.name}`}>
            <TableCell>
              <Link to={entityTabPath(entityRef, 'deployments')}>
                {d.namespace}/{d.name}
              </Link>
            </TableCell>
            <TableCell>{d.track ?? 'stable'}</TableCell>
            <TableCell align="right">
              {d.readyReplicas}/{d.desiredReplicas}
            </TableCell>
            <TableCell>{servedVersion(d)}</TableCell>
            <TableCell>
              {d.served ? (
                <TrainedOnLinks trainedOn={d.served.trainedOn} />
              ) : (
                '—'
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * Lineage of what is served: each serving Deployment of the model, the version its
 * `kaml-d.io/model-version` label names and the dataset snapshots behind that version, as the
 * backend joined them in the versions answer.
 */
export function DeploymentLineage(props: {
  entityRef: string;
  deployments?: ModelVersionDeployment[];
  error?: string;
}) {
  const { entityRef, deployments = [], error } = props;
  const classes = useVersionsStyles();
  let body;
  if (error) {
    body = (
      <Alert severity="warning">
        Could not read the deployments from the cluster: {error}
      </Alert>
    );
  } else if (deployments.length === 0) {
    body = (
      <Typography color="textSecondary">
        No serving Deployment of this model (deploy one with the Deploy a model
        template, naming the version it serves).
      </Typography>
    );
  } else {
    body = <DeploymentsTable entityRef={entityRef} deployments={deployments} />;
  }
  return (
    <Paper className={classes.section} aria-label="Deployment lineage">
      <Typography variant="h6">
        Lineage: dataset snapshot → version → deployment
      </Typography>
      {body}
    </Paper>
  );
}
