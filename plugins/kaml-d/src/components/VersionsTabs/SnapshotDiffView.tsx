import { DatasetSnapshotDiff } from '@kaml-d/plugin-kaml-d-common';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { formatBytes } from '../shared/relations';
import { useVersionsStyles } from './versionsStyles';

/** One file that differs between the two states. */
interface FileChange {
  change: 'added' | 'removed' | 'changed';
  path: string;
  before?: number;
  after?: number;
  note?: string;
}

/** `(+120)`, `(−3)` or nothing when the count did not move. */
function rowDelta(rows: { before: number; after: number }): string {
  const delta = rows.after - rows.before;
  if (delta === 0) return '';
  return delta > 0 ? ` (+${delta})` : ` (−${-delta})`;
}

/** The added, removed and changed files of a diff, in that order. */
function fileChanges(diff: DatasetSnapshotDiff): FileChange[] {
  return [
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
}

/** `+ merchant VARCHAR`, `− id BIGINT`, `amount: BIGINT → DOUBLE`. */
function schemaChanges(diff: DatasetSnapshotDiff): string[] {
  return [
    ...diff.schema.added.map(c => `+ ${c.name} ${c.type}`),
    ...diff.schema.removed.map(c => `− ${c.name} ${c.type}`),
    ...diff.schema.changed.map(c => `${c.name}: ${c.before} → ${c.after}`),
  ];
}

/** Row counts and schema changes, or why they were not compared. */
function TableChanges(props: { diff: DatasetSnapshotDiff }) {
  const { diff } = props;
  if (!diff.rows && diff.tableUnreadable) {
    return (
      <Typography>
        Schema and row counts not compared: {diff.tableUnreadable}
      </Typography>
    );
  }
  const schema = schemaChanges(diff);
  return (
    <>
      <Typography>
        {diff.rows
          ? `Rows: ${diff.rows.before} → ${diff.rows.after}${rowDelta(
              diff.rows,
            )}`
          : 'Row counts unavailable (the dataset cannot be read as a table).'}
      </Typography>
      <Typography>
        {schema.length ? `Schema: ${schema.join(' · ')}` : 'Schema unchanged'}
      </Typography>
    </>
  );
}

/** The files that differ, with their sizes before and after. */
function ChangedFilesTable(props: { files: FileChange[] }) {
  const classes = useVersionsStyles();
  return (
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
        {props.files.map(f => (
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
  );
}

/** Added/removed/changed files, schema changes and row counts between two states. */
export function SnapshotDiffView(props: { diff: DatasetSnapshotDiff }) {
  const { diff } = props;
  const classes = useVersionsStyles();
  const label = (id: string) => (id === 'current' ? 'Current' : id);
  const files = fileChanges(diff);
  return (
    <Paper className={classes.section} aria-label="Snapshot diff">
      <Typography variant="h6">
        {label(diff.from)} → {label(diff.to)}
      </Typography>
      <Typography>
        {diff.added.length} added · {diff.removed.length} removed ·{' '}
        {diff.changed.length} changed · {diff.unchangedCount} unchanged
      </Typography>
      <TableChanges diff={diff} />
      {files.length > 0 && <ChangedFilesTable files={files} />}
    </Paper>
  );
}
