import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { SnapshotDenied } from './useDatasetSnapshots';
import { useVersionsStyles } from './versionsStyles';

/**
 * Above the timeline: the message of the next snapshot and the button taking it, comparing the
 * selected snapshots (two with each other, one with the current state), and which of these the
 * user lacks the permission for.
 */
export function SnapshotToolbar(props: {
  message: string;
  onMessageChange: (message: string) => void;
  onTakeSnapshot: () => void;
  selectedCount: number;
  onCompare: () => void;
  busy: boolean;
  denied: SnapshotDenied;
}) {
  const { message, selectedCount, busy, denied } = props;
  const classes = useVersionsStyles();
  return (
    <Paper className={classes.section}>
      <Box className={classes.row}>
        <TextField
          id="kaml-d-snapshot-message"
          label="Snapshot message"
          size="small"
          variant="outlined"
          value={message}
          onChange={e => props.onMessageChange(e.target.value)}
          style={{ flexGrow: 1 }}
        />
        <Button
          variant="contained"
          color="primary"
          disabled={busy || !message.trim() || !!denied.snapshot}
          onClick={props.onTakeSnapshot}
        >
          Take snapshot
        </Button>
        <Button
          variant="outlined"
          disabled={busy || selectedCount === 0}
          onClick={props.onCompare}
        >
          {selectedCount === 2
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
  );
}
