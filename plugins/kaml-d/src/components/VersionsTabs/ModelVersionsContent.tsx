import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ModelEntityV1alpha1,
  ModelVersion,
  ModelVersionComparison,
  RELATION_SERVED_BY,
} from '@kaml-d/plugin-kaml-d-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Chip from '@material-ui/core/Chip';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
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
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kamlDApiRef } from '../../api';
import { serverMessage } from '../shared/errors';
import { relationTargets } from '../shared/relations';
import { deniedPermission, entityTabPath } from './permissions';

const useStyles = makeStyles(theme => ({
  section: { padding: theme.spacing(2), marginBottom: theme.spacing(2) },
  chip: { marginRight: theme.spacing(0.5) },
}));

/** Alias names the server accepts: DNS-label-like. */
const ALIAS = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

/**
 * The Versions tab of a Model: its registered versions with metrics, aliases, the dataset
 * snapshots and run behind each, comparing versions, promoting an alias and the deployment lineage
 * (snapshot → version → serving component).
 */
export function ModelVersionsContent() {
  const classes = useStyles();
  const api = useApi(kamlDApiRef);
  const { entity } = useEntity<ModelEntityV1alpha1>();
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const versions = useAsyncRetry(
    () => api.listModelVersions({ namespace, name }),
    [api, namespace, name],
  );
  const [selected, setSelected] = useState<number[]>([]);
  const [comparison, setComparison] = useState<ModelVersionComparison>();
  const [promote, setPromote] = useState<ModelVersion>();
  const [alias, setAlias] = useState('champion');
  const [notice, setNotice] = useState<{
    severity: 'success' | 'error';
    text: string;
  }>();
  const [deniedPromote, setDeniedPromote] = useState<string>();
  const servedBy = relationTargets(
    entity,
    RELATION_SERVED_BY,
    entity.spec?.serving?.servedBy,
    'component',
  );

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
    try {
      await api.promoteModelAlias({ namespace, name }, alias, version.version);
      setNotice({
        severity: 'success',
        text: `${alias} now points at version ${version.version}.`,
      });
      versions.retry();
    } catch (e) {
      const permission = deniedPermission(e as Error);
      if (permission) setDeniedPromote(permission);
      setNotice({
        severity: 'error',
        text: `Could not promote version ${version.version}: ${serverMessage(
          e as Error,
        )}`,
      });
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
        description="Register a version (POST /api/kaml-d/models/:namespace/:name/versions, or the Train a model template) with its artifact, metrics and the dataset snapshots it was trained on."
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
            Promoting needs the permission {deniedPromote}.
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
              <TableRow key={v.version}>
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
                </TableCell>
                {metricNames.map(m => (
                  <TableCell key={m} align="right">
                    {formatMetric(v.metrics[m])}
                  </TableCell>
                ))}
                <TableCell>
                  {v.trainedOn.length === 0
                    ? '—'
                    : v.trainedOn.map(t => (
                        <div key={`${t.datasetRef}@${t.snapshotId}`}>
                          <Link
                            to={`${entityTabPath(
                              t.datasetRef,
                              'versions',
                            )}?snapshot=${encodeURIComponent(t.snapshotId)}`}
                          >
                            {t.datasetRef.replace(/^dataset:(default\/)?/, '')}{' '}
                            @ {t.snapshotId}
                          </Link>
                        </div>
                      ))}
                </TableCell>
                <TableCell>
                  {v.run
                    ? `${v.run.kind ?? 'Job'} ${v.run.namespace}/${v.run.name}`
                    : '—'}
                </TableCell>
                <TableCell>
                  {new Date(v.createdAt).toLocaleString()} by{' '}
                  {v.createdBy.replace(/^user:(default\/)?/, '')}
                </TableCell>
                <TableCell>
                  <Button
                    size="small"
                    disabled={!!deniedPromote}
                    title={
                      deniedPromote
                        ? `Needs permission ${deniedPromote}`
                        : undefined
                    }
                    onClick={() => setPromote(v)}
                    aria-label={`Promote version ${v.version}`}
                  >
                    Promote to alias
                  </Button>
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
      <Paper className={classes.section}>
        <Typography variant="h6">Deployment lineage</Typography>
        {servedBy.length === 0 ? (
          <Typography>
            No serving component declared (spec.serving.servedBy).
          </Typography>
        ) : (
          servedBy.map(ref => {
            const champion = aliases.champion;
            const version = items.find(v => v.version === champion) ?? items[0];
            const snapshots =
              version.trainedOn.map(t => t.snapshotId).join(', ') ||
              'no snapshot';
            return (
              <Typography key={ref}>
                {snapshots} → v{version.version}
                {champion === version.version
                  ? ' (champion)'
                  : ' (latest)'} →{' '}
                <Link to={entityTabPath(ref, '')}>{ref}</Link>
              </Typography>
            );
          })
        )}
      </Paper>
      <Dialog open={!!promote} onClose={() => setPromote(undefined)}>
        <DialogTitle>
          Promote version {promote?.version} to an alias
        </DialogTitle>
        <DialogContent>
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
