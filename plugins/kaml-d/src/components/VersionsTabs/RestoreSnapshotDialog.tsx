import { DatasetSnapshot } from '@kaml-d/plugin-kaml-d-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';

/**
 * Asks before restoring `snapshot`, saying that the current state is saved first as a safety
 * snapshot. Closed without a snapshot.
 */
export function RestoreSnapshotDialog(props: {
  snapshot?: DatasetSnapshot;
  onCancel: () => void;
  onRestore: (snapshot: DatasetSnapshot) => void;
}) {
  const { snapshot, onCancel, onRestore } = props;
  return (
    <Dialog open={!!snapshot} onClose={onCancel}>
      <DialogTitle>Restore {snapshot?.id}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          The dataset's files will be put back as they were at{' '}
          {snapshot?.createdAt} ({snapshot?.message}). Before that, a safety
          snapshot of the current state is taken, so nothing is lost: you can
          restore it to undo.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button
          color="secondary"
          onClick={() => snapshot && onRestore(snapshot)}
        >
          Restore
        </Button>
      </DialogActions>
    </Dialog>
  );
}
