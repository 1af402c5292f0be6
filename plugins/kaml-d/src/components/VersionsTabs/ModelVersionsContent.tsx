import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ModelEntityV1alpha1,
  ModelVersion,
  ModelVersionComparison,
  ModelVersionDatasetRef,
  ModelVersionDeployment,
  modelVersionPromotePermission,
  ObservationPanel,
} from '@kaml-d/plugin-kaml-d-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Chip from '@material-ui/core/Chip';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kamlDApiRef } from '../../api';
import { LineChart } from '../HealthTab/LineChart';
import { serverMessage } from '../shared/errors';
import { deniedPermission, entityTabPath } from './permissions';

const useStyles = makeStyles(theme => ({
  section: { padding: theme.spacing(2), marginBottom: theme.spacing(2) },
  chip: { marginRight: theme.spacing(0.5) },
  selected: { backgroundColor: theme.palette.action.selected },
}));

/** Alias names the server accepts: DNS-label-like. */
const ALIAS = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

/** `dataset:default/sales` → `sales`; other namespaces are kept. */
function shortRef(ref: string): string {
  return ref.replace(/^[a-z]+:(default\/)?/, '');
}

/**
 * One chart panel per metric: the metric's value at each version that recorded it, oldest
 * version first.
 */
export function metricPanels(items: ModelVersion[]): ObservationPanel[] {
  const names = [...new Set(items.flatMap(v => Object.keys(v.metrics)))].sort();
  const ascending = [...items].sort((a, b) => a.version - b.version);
  return names.map(metric => ({
    id: metric,
    title: `${metric} by version`,
    unit: 'none',
    series: [
      {
        label: metric,
        points: ascending
          .filter(v => typeof v.metrics[metric] === 'number')
          .map(v => [v.version, v.metrics[metric]] as [number, number]),
      },
    ],
  }));
}

/** The dataset snapshots a version was trained on, each linking to the dataset's Versions tab. */
function TrainedOnLinks(props: { trainedOn: ModelVersionDatasetRef[] }) {
  const { trainedOn } = props;
  if (trainedOn.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        no snapshot recorded
      </Typography>
    );
  }
  return (
    <>
      {trainedOn.map(t => (
        <div key={`${t.datasetRef}@${t.snapshotId}`}>
          <Link
            to={`${entityTabPath(
              t.datasetRef,
              'versions',
            )}?snapshot=${encodeURIComponent(t.snapshotId)}`}
          >
            {shortRef(t.datasetRef)} @ {t.snapshotId}
          </Link>
        </div>
      ))}
    </>
  );
}

/** A line chart per metric across the versions. */
function MetricsCharts(props: { items: ModelVersion[] }) {
  const classes = useStyles();
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
                markers
              />
            </Grid>
          ))}
        </Grid>
      )}
    </Paper>
  );
}

/**
 * Lineage of what is served: each serving Deployment of the model, the version its
 * `kaml-d.io/model-version` label names and the dataset snapshots behind that version, as the
 * backend joined them in the versions answer.
 */
function DeploymentLineage(props: {
  entityRef: string;
  deployments?: ModelVersionDeployment[];
  error?: string;
}) {
  const { entityRef, deployments = [], error } = props;
  const classes = useStyles();
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
    body = (
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
          {deployments.map(d => {
            const { served } = d;
            let serves;
            if (served) {
              serves = `v${served.version}${
                served.aliases.length ? ` (${served.aliases.join(', ')})` : ''
              }`;
            } else if (d.label) {
              serves = `${d.label} (not a registered version)`;
            } else {
              serves = 'version not recorded';
            }
            return (
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
                <TableCell>{serves}</TableCell>
                <TableCell>
                  {served ? (
                    <TrainedOnLinks trainedOn={served.trainedOn} />
                  ) : (
                    '—'
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    );
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

/**
 * The Versions tab of a Model: its registered versions with metrics (table and charts), aliases,
 * the dataset snapshots and run behind each, comparing versions, promoting an alias and the
 * deployment lineage (snapshot → version → serving Deployment).
 */
export function ModelVersionsContent() {
  const classes = useStyles();
  const api = useApi(kamlDApiRef);
  const { entity } = useEntity<ModelEntityV1alpha1>();
  const entityRef = stringifyEntityRef(entity);
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const [searchParams] = useSearchParams();
  const highlighted = Number(searchParams.get('version') ?? NaN);
  // one answer for the whole tab: versions, aliases and the deployments serving them
  const versions = useAsyncRetry(
    () =>
      api.listModelVersions({ namespace, name }, { includeDeployments: true }),
    [api, namespace, name],
  );
  const promotePermission = usePermission({
    permission: modelVersionPromotePermission,
    resourceRef: entityRef,
  });
  const [selected, setSelected] = useState<number[]>([]);
  const [comparison, setComparison] = useState<ModelVersionComparison>();
  const [promote, setPromote] = useState<ModelVersion>();
  const [alias, setAlias] = useState('champion');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{
    severity: 'success' | 'error';
    text: string;
  }>();
  const [refusedPromote, setRefusedPromote] = useState<string>();
  const deniedPromote =
    refusedPromote ??
    (!promotePermission.loading && !promotePermission.allowed
      ? modelVersionPromotePermission.name
      : undefined);

  const compare = async () => {
    setNotice(undefined);
    try {
      setComparison(
        await api.compareModelVersions(
          { namespace, name },
          [...selected].sort((a, b) => a - b),
        ),
      );
    } catch (e) {
      setNotice({
        severity: 'error',
        text: `Could not compare: ${serverMessage(e as Error)}`,
      });
    }
  };

  const doPromote = async (version: ModelVersion) => {
    setPromote(undefined);
    setNotice(undefined);
    setBusy(true);
    try {
      await api.promoteModelAlias({ namespace, name }, alias, version.version);
      setNotice({
        severity: 'success',
        text: `${alias} now points at version ${version.version}.`,
      });
      versions.retry();
    } catch (e) {
      const permission = deniedPermission(e as Error);
      if (permission) setRefusedPromote(permission);
      setNotice({
        severity: 'error',
        text: `Could not promote version ${version.version}: ${serverMessage(
          e as Error,
        )}`,
      });
    } finally {
      setBusy(false);
    }
  };

  if (versions.loading && !versions.value) {
    return <Progress aria-label="Loading model versions" />;
  }
  if (versions.error) {
    return (
      <ResponseErrorPanel
        title={`Could not list the versions of ${name}: ${serverMessage(
          versions.error,
        )}`}
        error={versions.error}
      />
    );
  }
  const items = versions.value?.items ?? [];
  if (items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No versions registered"
        description="A version records a trained artifact with its metrics and the dataset snapshots it learnt from. To register one, take a snapshot of each training dataset on its Versions tab, then add the kaml-d:model:register-version step to your training template, or let the training job register it (see Model versions in the KAML-D backend README). Once registered, promote a version with an alias such as production."
      />
    );
  }
  const metricNames = [
    ...new Set(items.flatMap(v => Object.keys(v.metrics))),
  ].sort();
  const aliases = versions.value?.aliases ?? {};

  return (
    <>
      {notice && (
        <Box mb={2}>
          <Alert severity={notice.severity}>{notice.text}</Alert>
        </Box>
      )}
      <Paper className={classes.section}>
        <Typography variant="h6">Aliases</Typography>
        {Object.keys(aliases).length === 0 ? (
          <Typography>No aliases yet.</Typography>
        ) : (
          Object.entries(aliases).map(([a, v]) => (
            <Chip
              key={a}
              className={classes.chip}
              label={`${a} → v${v}`}
              color="primary"
            />
          ))
        )}
        {deniedPromote && (
          <Typography variant="caption" role="note" display="block">
            You cannot promote versions: it needs the permission {deniedPromote}
            .
          </Typography>
        )}
      </Paper>
      <Paper className={classes.section}>
        <Box display="flex" justifyContent="space-between" alignItems="center">
          <Typography variant="h6">Versions</Typography>
          <Button
            variant="outlined"
            disabled={selected.length < 2}
            onClick={compare}
          >
            Compare {selected.length} selected
          </Button>
        </Box>
        <Table size="small" aria-label="Model versions">
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox">Compare</TableCell>
              <TableCell>Version</TableCell>
              {metricNames.map(m => (
                <TableCell key={m} align="right">
                  {m}
                </TableCell>
              ))}
              <TableCell>Trained on</TableCell>
              <TableCell>Run</TableCell>
              <TableCell>Registered</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map(v => (
              <TableRow
                key={v.version}
                className={
                  v.version === highlighted ? classes.selected : undefined
                }
              >
                <TableCell padding="checkbox">
                  <Checkbox
                    checked={selected.includes(v.version)}
                    onChange={() =>
                      setSelected(s =>
                        s.includes(v.version)
                          ? s.filter(x => x !== v.version)
                          : [...s, v.version],
                      )
                    }
                    inputProps={{ 'aria-label': `select version ${v.version}` }}
                  />
                </TableCell>
                <TableCell>
                  v{v.version}{' '}
                  {v.aliases.map(a => (
                    <Chip
                      key={a}
                      size="small"
                      label={a}
                      className={classes.chip}
                    />
                  ))}
                  {v.description && (
                    <Typography variant="caption" display="block">
                      {v.description}
                    </Typography>
                  )}
                </TableCell>
                {metricNames.map(m => (
                  <TableCell key={m} align="right">
                    {formatMetric(v.metrics[m])}
                  </TableCell>
                ))}
                <TableCell>
                  <TrainedOnLinks trainedOn={v.trainedOn} />
                </TableCell>
                <TableCell>
                  {v.run ? (
                    <Link
                      to={`${entityTabPath(
                        entityRef,
                        'runs',
                      )}?run=${encodeURIComponent(v.run.name)}`}
                      title="Open the model's Runs tab"
                    >
                      {`${v.run.kind ?? 'Job'} ${v.run.namespace}/${
                        v.run.name
                      }`}
                    </Link>
                  ) : (
                    '—'
                  )}
                </TableCell>
                <TableCell>
                  {new Date(v.createdAt).toLocaleString()} by{' '}
                  {shortRef(v.createdBy)}
                </TableCell>
                <TableCell>
                  <span
                    title={
                      deniedPromote
                        ? `Needs permission ${deniedPromote}`
                        : undefined
                    }
                  >
                    <Button
                      size="small"
                      disabled={
                        busy || promotePermission.loading || !!deniedPromote
                      }
                      onClick={() => setPromote(v)}
                      aria-label={`Promote version ${v.version}`}
                    >
                      Promote to alias
                    </Button>
                  </span>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Paper>
      {comparison && (
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
      )}
      <MetricsCharts items={items} />
      <DeploymentLineage
        entityRef={entityRef}
        deployments={versions.value?.deployments}
        error={versions.value?.deploymentsError}
      />
      <Dialog open={!!promote} onClose={() => setPromote(undefined)}>
        <DialogTitle>
          Promote version {promote?.version} to an alias
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            The alias moves to version {promote?.version}
            {aliases[alias] !== undefined && aliases[alias] !== promote?.version
              ? ` (it points at version ${aliases[alias]} now)`
              : ''}
            . Whatever reads the model by this alias picks up the new version.
          </DialogContentText>
          <Box mb={1}>
            {['champion', 'challenger'].map(a => (
              <Chip
                key={a}
                label={a}
                className={classes.chip}
                onClick={() => setAlias(a)}
                color={alias === a ? 'primary' : 'default'}
              />
            ))}
          </Box>
          <TextField
            id="kaml-d-promote-alias"
            label="Alias"
            value={alias}
            onChange={e => setAlias(e.target.value)}
            error={!ALIAS.test(alias)}
            helperText="Lowercase letters, digits and -, at most 63 characters"
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setPromote(undefined)}>Cancel</Button>
          <Button
            color="primary"
            disabled={!ALIAS.test(alias)}
            onClick={() => promote && doPromote(promote)}
          >
            Promote
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
