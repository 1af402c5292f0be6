import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  DatasetSnapshot,
  DatasetSnapshotDiff,
  DatasetSnapshotModelVersion,
  datasetSnapshotRestorePermission,
} from '@kaml-d/plugin-kaml-d-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
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
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kamlDApiRef } from '../../api';
import { useDatasetName } from '../DatasetTabs/useDatasetName';
import { serverMessage } from '../shared/errors';
import { formatBytes } from '../shared/relations';
import { RowsTable } from '../shared/RowsTable';
import { deniedPermission, entityTabPath, shortDigest } from './permissions';

const useStyles = makeStyles(theme => ({
  section: { padding: theme.spacing(2), marginBottom: theme.spacing(2) },
  row: {
    display: 'flex',
    gap: theme.spacing(2),
    alignItems: 'center',
    flexWrap: 'wrap',
  },
  selected: { backgroundColor: theme.palette.action.selected },
  digest: { fontFamily: 'monospace' },
}));

/** Which action a 403 refused, and the permission the server named. */
type Denied = Partial<Record<'snapshot' | 'restore', string>>;

/** The model versions trained on one snapshot, each linking to its Model's Versions tab. */
function SnapshotModels(props: { models?: DatasetSnapshotModelVersion[] }) {
  if (!props.models?.length) {
    return <Typography variant="caption">none</Typography>;
  }
  return (
    <>
      {props.models.map(v => (
        <div key={`${v.entityRef}@${v.version}`}>
          <Link
            to={`${entityTabPath(v.entityRef, 'versions')}?version=${
              v.version
            }`}
          >
            {v.entityRef.replace(/^model:(default\/)?/, '')} v{v.version}
          </Link>
        </div>
      ))}
    </>
  );
}

/** `(+120)`, `(−3)` or nothing when the count did not move. */
function rowDelta(rows: { before: number; after: number }): string {
  const delta = rows.after - rows.before;
  if (delta === 0) return '';
  return delta > 0 ? ` (+${delta})` : ` (−${-delta})`;
}

/** Added/removed/changed files, schema changes and row counts between two states. */
export function SnapshotDiffView(props: { diff: DatasetSnapshotDiff }) {
  const { diff } = props;
  const classes = useStyles();
  const label = (id: string) => (id === 'current' ? 'Current' : id);
  const files: Array<{
    change: 'added' | 'removed' | 'changed';
    path: string;
    before?: number;
    after?: number;
    note?: string;
  }> = [
    ...diff.added.map(o => ({
      change: 'added' as const,
      path: o.path,
      after: o.size,
    })),
    ...diff.removed.map(o => ({
      change: 'removed' as const,
      path: o.path,
      before: o.size,
    })),
    ...diff.changed.map(c => ({
      change: 'changed' as const,
      path: c.path,
      before: c.before.size,
      after: c.after.size,
      note:
        c.before.size === c.after.size
          ? 'same size, different content marker (ETag)'
          : undefined,
    })),
  ];
  const schemaChanges = [
    ...diff.schema.added.map(c => `+ ${c.name} ${c.type}`),
    ...diff.schema.removed.map(c => `− ${c.name} ${c.type}`),
    ...diff.schema.changed.map(c => `${c.name}: ${c.before} → ${c.after}`),
  ];
  return (
    <Paper className={classes.section} aria-label="Snapshot diff">
      <Typography variant="h6">
        {label(diff.from)} → {label(diff.to)}
      </Typography>
      <Typography>
        {diff.added.length} added · {diff.removed.length} removed ·{' '}
        {diff.changed.length} changed · {diff.unchangedCount} unchanged
      </Typography>
      {diff.rows || !diff.tableUnreadable ? (
        <>
          <Typography>
            {diff.rows
              ? `Rows: ${diff.rows.before} → ${diff.rows.after}${rowDelta(
                  diff.rows,
                )}`
              : 'Row counts unavailable (the dataset cannot be read as a table).'}
          </Typography>
          <Typography>
            {schemaChanges.length
              ? `Schema: ${schemaChanges.join(' · ')}`
              : 'Schema unchanged'}
          </Typography>
        </>
      ) : (
        <Typography>
          Schema and row counts not compared: {diff.tableUnreadable}
        </Typography>
      )}
      {files.length > 0 && (
        <Table size="small" aria-label="Changed files">
          <TableHead>
            <TableRow>
              <TableCell>Change</TableCell>
              <TableCell>File</TableCell>
              <TableCell align="right">Size before</TableCell>
              <TableCell align="right">Size after</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {files.map(f => (
              <TableRow key={`${f.change}:${f.path}`}>
                <TableCell>{f.change}</TableCell>
                <TableCell className={classes.digest}>{f.path}</TableCell>
                <TableCell align="right">
                  {f.before === undefined ? '—' : formatBytes(f.before)}
                </TableCell>
                <TableCell align="right">
                  {f.after === undefined ? '—' : formatBytes(f.after)}
                </TableCell>
                <TableCell>
                  {f.note && (
                    <Typography variant="caption" color="textSecondary">
                      {f.note}
                    </Typography>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Paper>
  );
}

/**
 * The Versions tab of a Dataset: its snapshot timeline, taking a snapshot, the diff of two
 * snapshots (or one and the current state), restoring one, the model versions trained on each and
 * a preview of a snapshot's first rows.
 */
export function DatasetVersionsContent() {
  const classes = useStyles();
  const api = useApi(kamlDApiRef);
  const dataset = useDatasetName();
  const { namespace, name } = dataset;
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const restorePermission = usePermission({
    permission: datasetSnapshotRestorePermission,
    resourceRef: entityRef,
  });
  const [searchParams] = useSearchParams();
  const highlighted = searchParams.get('snapshot') ?? undefined;

  // one answer for the whole timeline, with the model versions trained on each snapshot
  const snapshots = useAsyncRetry(
    () =>
      api.listDatasetSnapshots({ namespace, name }, { includeModels: true }),
    [api, namespace, name],
  );
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{
    severity: 'success' | 'error';
    text: string;
  }>();
  const [refused, setRefused] = useState<Denied>({});
  const denied: Denied = {
    ...refused,
    restore:
      refused.restore ??
      (!restorePermission.loading && !restorePermission.allowed
        ? datasetSnapshotRestorePermission.name
        : undefined),
  };
  const [selected, setSelected] = useState<string[]>(
    highlighted ? [highlighted] : [],
  );
  const [diff, setDiff] = useState<DatasetSnapshotDiff>();
  const [confirm, setConfirm] = useState<DatasetSnapshot>();
  const [preview, setPreview] = useState<string>();

  const fail = (action: keyof Denied, what: string, error: Error) => {
    const permission = deniedPermission(error);
    if (permission) setRefused(d => ({ ...d, [action]: permission }));
    setNotice({ severity: 'error', text: `${what}: ${serverMessage(error)}` });
  };

  const takeSnapshot = async () => {
    setBusy(true);
    setNotice(undefined);
    try {
      const snapshot = await api.createDatasetSnapshot(
        { namespace, name },
        message.trim(),
      );
      setMessage('');
      setNotice({
        severity: 'success',
        text: `Snapshot ${snapshot.id} taken.`,
      });
      snapshots.retry();
    } catch (e) {
      fail('snapshot', 'Could not take a snapshot', e as Error);
    } finally {
      setBusy(false);
    }
  };

  const compare = async () => {
    if (!snapshots.value) return;
    // oldest first: the list is newest first
    const order = snapshots.value.items.map(s => s.id);
    const [a, b] = [...selected].sort(
      (x, y) => order.indexOf(y) - order.indexOf(x),
    );
    setBusy(true);
    setNotice(undefined);
    try {
      setDiff(
        await api.diffDatasetSnapshots({ namespace, name }, a, b ?? 'current'),
      );
    } catch (e) {
      setNotice({
        severity: 'error',
        text: `Could not compare: ${serverMessage(e as Error)}`,
      });
    } finally {
      setBusy(false);
    }
  };

  const restore = async (snapshot: DatasetSnapshot) => {
    setConfirm(undefined);
    setBusy(true);
    setNotice(undefined);
    try {
      const answer = await api.restoreDatasetSnapshot(
        { namespace, name },
        snapshot.id,
      );
      setNotice({
        severity: 'success',
        text: `Restored ${answer.restored.id}. The state before the restore was saved as snapshot ${answer.safetySnapshot.id}.`,
      });
      setDiff(undefined);
      snapshots.retry();
    } catch (e) {
      fail('restore', `Could not restore ${snapshot.id}`, e as Error);
    } finally {
      setBusy(false);
    }
  };

  const toggle = (id: string) =>
    setSelected(s =>
      s.includes(id) ? s.filter(x => x !== id) : [...s, id].slice(-2),
    );

  let timeline;
  if (snapshots.loading && !snapshots.value) {
    timeline = <Progress aria-label="Loading snapshots" />;
  } else if (snapshots.error) {
    timeline = (
      <ResponseErrorPanel
        title={`Could not list the snapshots of ${
          dataset.title
        }: ${serverMessage(snapshots.error)}`}
        error={snapshots.error}
      />
    );
  } else if (snapshots.value && snapshots.value.items.length === 0) {
    timeline = (
      <EmptyState
        missing="data"
        title="No snapshots yet"
        description="Take a snapshot to freeze the dataset's files as they are now; you can compare with it and restore it later."
      />
    );
  } else if (snapshots.value) {
    timeline = (
      <Paper>
        <Table size="small" aria-label="Snapshots">
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox">Compare</TableCell>
              <TableCell>Taken</TableCell>
              <TableCell>By</TableCell>
              <TableCell>Message</TableCell>
              <TableCell>Method</TableCell>
              <TableCell align="right">Objects</TableCell>
              <TableCell align="right">Size</TableCell>
              <TableCell>Digest</TableCell>
              <TableCell>Model versions</TableCell>
              <TableCell>View at this snapshot</TableCell>
              <TableCell>Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {snapshots.value.items.map(s => (
              <TableRow
                key={s.id}
                className={s.id === highlighted ? classes.selected : undefined}
              >
                <TableCell padding="checkbox">
                  <Checkbox
                    checked={selected.includes(s.id)}
                    onChange={() => toggle(s.id)}
                    inputProps={{ 'aria-label': `select ${s.id}` }}
                  />
                </TableCell>
                <TableCell title={s.id}>
                  {new Date(s.createdAt).toLocaleString()}
                </TableCell>
                <TableCell>
                  {s.createdBy.replace(/^user:(default\/)?/, '')}
                </TableCell>
                <TableCell>
                  {s.message}
                  {s.reason === 'before-restore' && (
                    <Typography variant="caption" display="block">
                      safety snapshot before a restore
                    </Typography>
                  )}
                </TableCell>
                <TableCell>{s.method}</TableCell>
                <TableCell align="right">{s.objectCount}</TableCell>
                <TableCell align="right">{formatBytes(s.totalBytes)}</TableCell>
                <TableCell className={classes.digest} title={s.digest}>
                  {shortDigest(s.digest)}
                </TableCell>
                <TableCell>
                  <SnapshotModels models={s.models} />
                </TableCell>
                <TableCell>
                  {(['preview', 'schema', 'profile'] as const).map(tab => (
                    <div key={tab}>
                      <Link
                        to={`${entityTabPath(
                          entityRef,
                          tab,
                        )}?snapshot=${encodeURIComponent(s.id)}`}
                        aria-label={`${tab} at ${s.id}`}
                      >
                        {tab[0].toLocaleUpperCase('en-US') + tab.slice(1)}
                      </Link>
                    </div>
                  ))}
                </TableCell>
                <TableCell>
                  <Button size="small" onClick={() => setPreview(s.id)}>
                    Preview
                  </Button>
                  <span
                    title={
                      denied.restore
                        ? `Needs permission ${denied.restore}`
                        : undefined
                    }
                  >
                    <Button
                      size="small"
                      color="secondary"
                      disabled={
                        busy || restorePermission.loading || !!denied.restore
                      }
                      onClick={() => setConfirm(s)}
                      aria-label={`Restore ${s.id}`}
                    >
                      Restore
                    </Button>
                  </span>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Paper>
    );
  }

  return (
    <>
      <Paper className={classes.section}>
        <Box className={classes.row}>
          <TextField
            id="kaml-d-snapshot-message"
            label="Snapshot message"
            size="small"
            variant="outlined"
            value={message}
            onChange={e => setMessage(e.target.value)}
            style={{ flexGrow: 1 }}
          />
          <Button
            variant="contained"
            color="primary"
            disabled={busy || !message.trim() || !!denied.snapshot}
            onClick={takeSnapshot}
          >
            Take snapshot
          </Button>
          <Button
            variant="outlined"
            disabled={busy || selected.length === 0}
            onClick={compare}
          >
            {selected.length === 2
              ? 'Compare the two selected'
              : 'Compare with current'}
          </Button>
        </Box>
        {denied.snapshot && (
          <Typography variant="caption" role="note">
            Taking snapshots needs the permission {denied.snapshot}.
          </Typography>
        )}
        {denied.restore && (
          <Typography variant="caption" role="note" display="block">
            You cannot restore snapshots: restoring needs the permission{' '}
            {denied.restore}.
          </Typography>
        )}
      </Paper>
      {notice && (
        <Box mb={2}>
          <Alert severity={notice.severity}>{notice.text}</Alert>
        </Box>
      )}
      {diff && <SnapshotDiffView diff={diff} />}
      {preview && <SnapshotPreview snapshotId={preview} />}
      {timeline}
      <Dialog open={!!confirm} onClose={() => setConfirm(undefined)}>
        <DialogTitle>Restore {confirm?.id}?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            The dataset's files will be put back as they were at{' '}
            {confirm?.createdAt} ({confirm?.message}). Before that, a safety
            snapshot of the current state is taken, so nothing is lost: you can
            restore it to undo.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirm(undefined)}>Cancel</Button>
          <Button color="secondary" onClick={() => confirm && restore(confirm)}>
            Restore
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}

/** The first rows of a snapshot, read through the preview route. */
function SnapshotPreview(props: { snapshotId: string }) {
  const api = useApi(kamlDApiRef);
  const { namespace, name } = useDatasetName();
  const classes = useStyles();
  const { value, loading, error } = useAsync(
    () => api.getDatasetPreview({ namespace, name }, 10, props.snapshotId),
    [api, namespace, name, props.snapshotId],
  );
  if (loading)
    return <Progress aria-label="Reading the snapshot's first rows" />;
  if (error) {
    return (
      <ResponseErrorPanel
        title={`Could not preview ${props.snapshotId}: ${serverMessage(error)}`}
        error={error}
      />
    );
  }
  if (!value) return null;
  return (
    <Box className={classes.section}>
      <RowsTable
        title={`First ${value.rows.length} rows of ${props.snapshotId}`}
        columns={value.columns}
        rows={value.rows}
        emptyText="The snapshot has no rows."
      />
    </Box>
  );
}
