import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  DatasetSnapshot,
  DatasetSnapshotListResponse,
  DatasetSnapshotListItem,
  DatasetSnapshotModelVersion,
} from '@kaml-d/plugin-kaml-d-common';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { serverMessage } from '../shared/errors';
import { formatBytes } from '../shared/relations';
import { entityTabPath, shortDigest } from './permissions';
import { useVersionsStyles } from './versionsStyles';

/** The tabs that can show the dataset as it was at a snapshot. */
const SNAPSHOT_TABS = ['preview', 'schema', 'profile'] as const;

/** What each row's buttons do, and whether Restore may be pressed. */
export interface SnapshotRowActions {
  onToggle: (id: string) => void;
  onPreview: (id: string) => void;
  onRestore: (snapshot: DatasetSnapshot) => void;
  restoreDisabled: boolean;
  /** The permission the user lacks to restore, when known. */
  restoreDenied?: string;
}

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

/** Links to the Preview, Schema and Profile tabs at one snapshot. */
function SnapshotTabLinks(props: { entityRef: string; snapshotId: string }) {
  const { entityRef, snapshotId } = props;
  return (
    <>
      {SNAPSHOT_TABS.map(tab => (
        <div key={tab}>
          <Link
            to={`${entityTabPath(entityRef, tab)}?snapshot=${encodeURIComponent(
              snapshotId,
            )}`}
            aria-label={`${tab} at ${snapshotId}`}
          >
            {tab[0].toLocaleUpperCase('en-US') + tab.slice(1)}
          </Link>
        </div>
      ))}
    </>
  );
}

/** One snapshot of the timeline. */
function SnapshotRow(props: {
  entityRef: string;
  snapshot: DatasetSnapshotListItem;
  highlighted: boolean;
  selected: boolean;
  actions: SnapshotRowActions;
}) {
  const { snapshot: s, actions } = props;
  const classes = useVersionsStyles();
  return (
    <TableRow className={props.highlighted ? classes.selected : undefined}>
      <TableCell padding="checkbox">
        <Checkbox
          // a volume snapshot has no file list to compare
          disabled={!!s.volume}
          checked={props.selected}
          onChange={() => actions.onToggle(s.id)}
          inputProps={{ 'aria-label': `select ${s.id}` }}
        />
      </TableCell>
      <TableCell title={s.id}>
        {new Date(s.createdAt).toLocaleString()}
      </TableCell>
      <TableCell>{s.createdBy.replace(/^user:(default\/)?/, '')}</TableCell>
      <TableCell>
        {s.message}
        {s.reason === 'before-restore' && (
          <Typography variant="caption" display="block">
            safety snapshot before a restore
          </Typography>
        )}
      </TableCell>
      <TableCell>
        {s.method}
        {s.volume && (
          <Typography
            variant="caption"
            display="block"
            title={s.volume.error}
            color={
              s.volume.readyToUse || s.state === 'pending'
                ? 'textSecondary'
                : 'error'
            }
          >
            {volumeStatus(s)}
          </Typography>
        )}
      </TableCell>
      <TableCell align="right">{s.objectCount}</TableCell>
      <TableCell align="right">{formatBytes(s.totalBytes)}</TableCell>
      <TableCell className={classes.digest} title={s.digest}>
        {shortDigest(s.digest)}
      </TableCell>
      <TableCell>
        <SnapshotModels models={s.models} />
      </TableCell>
      <TableCell>
        {!s.volume && (
          <SnapshotTabLinks entityRef={props.entityRef} snapshotId={s.id} />
        )}
      </TableCell>
      <TableCell>
        {!s.volume && (
          <Button size="small" onClick={() => actions.onPreview(s.id)}>
            Preview
          </Button>
        )}
        <span
          title={
            actions.restoreDenied
              ? `Needs permission ${actions.restoreDenied}`
              : undefined
          }
        >
          <Button
            size="small"
            color="secondary"
            disabled={
              actions.restoreDisabled || (!!s.volume && !s.volume.readyToUse)
            }
            onClick={() => actions.onRestore(s)}
            aria-label={`Restore ${s.id}`}
          >
            Restore
          </Button>
        </span>
      </TableCell>
    </TableRow>
  );
}

/** The snapshots, newest first, with what each holds and what can be done with it. */
function SnapshotTable(props: {
  entityRef: string;
  items: DatasetSnapshotListItem[];
  highlighted?: string;
  selected: string[];
  actions: SnapshotRowActions;
}) {
  return (
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
          {props.items.map(s => (
            <SnapshotRow
              key={s.id}
              entityRef={props.entityRef}
              snapshot={s}
              highlighted={s.id === props.highlighted}
              selected={props.selected.includes(s.id)}
              actions={props.actions}
            />
          ))}
        </TableBody>
      </Table>
    </Paper>
  );
}

/** The state of a volume snapshot as the timeline shows it. */
function volumeStatus(s: DatasetSnapshot): string {
  const volume = s.volume!;
  const error = volume.error ? `: ${volume.error}` : '';
  if (s.state === 'pending') return 'taking… waiting until ready to use';
  if (s.state === 'failed') return `failed${error}`;
  return volume.readyToUse
    ? `ready · ${volume.namespace}/${volume.claim}`
    : `not ready${error}`;
}

/**
 * The snapshot timeline of a dataset in each of its states: loading, the server's error, no
 * snapshots yet, or the table.
 */

export function SnapshotTimeline(props: {
  entityRef: string;
  datasetTitle: string;
  snapshots: {
    loading: boolean;
    error?: Error;
    value?: DatasetSnapshotListResponse;
  };
  highlighted?: string;
  selected: string[];
  actions: SnapshotRowActions;
}) {
  const { snapshots } = props;
  if (snapshots.loading && !snapshots.value) {
    return <Progress aria-label="Loading snapshots" />;
  }
  if (snapshots.error) {
    return (
      <ResponseErrorPanel
        title={`Could not list the snapshots of ${
          props.datasetTitle
        }: ${serverMessage(snapshots.error)}`}
        error={snapshots.error}
      />
    );
  }
  if (!snapshots.value) return null;
  if (snapshots.value.items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No snapshots yet"
        description="Take a snapshot to freeze the dataset's files as they are now; you can compare with it and restore it later."
      />
    );
  }
  return (
    <SnapshotTable
      entityRef={props.entityRef}
      items={snapshots.value.items}
      highlighted={props.highlighted}
      selected={props.selected}
      actions={props.actions}
    />
  );
}
