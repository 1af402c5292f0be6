import { useEffect, useState } from 'react';
import { DatasetSnapshot } from '@kaml-d/plugin-kaml-d-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';

/** The claim name the server picks when none is given. */
export function defaultRestoredClaim(snapshot: DatasetSnapshot): string {
  return `${snapshot.volume?.claim.slice(0, 200)}-restore-${snapshot.id.slice(
    -6,
  )}`;
}

const CLAIM_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/**
 * Asks before restoring `snapshot`. An object dataset: the current state is saved first as a
 * safety snapshot. A `pvc://` dataset: a NEW PersistentVolumeClaim is made from the
 * VolumeSnapshot (its name editable here), the dataset's claim is left as it is. Closed without
 * a snapshot.
 */
export function RestoreSnapshotDialog(props: {
  snapshot?: DatasetSnapshot;
  onCancel: () => void;
  onRestore: (snapshot: DatasetSnapshot, claimName?: string) => void;
}) {
  const { snapshot, onCancel, onRestore } = props;
  const volume = snapshot?.volume;
  const [claimName, setClaimName] = useState('');
  useEffect(() => {
    if (snapshot?.volume) setClaimName(defaultRestoredClaim(snapshot));
  }, [snapshot]);
  const badName = !!volume && !CLAIM_NAME.test(claimName);
  return (
    <Dialog open={!!snapshot} onClose={onCancel}>
      <DialogTitle>Restore {snapshot?.id}?</DialogTitle>
      <DialogContent>
        {volume ? (
          <>
            <DialogContentText>
              A new PersistentVolumeClaim is made in {volume.namespace} from the
              VolumeSnapshot {volume.volumeSnapshot} of claim {volume.claim}, as
              it was at {snapshot?.createdAt} ({snapshot?.message}). The
              dataset's own claim and the snapshot stay unchanged.
            </DialogContentText>
            <TextField
              id="kaml-d-restored-claim-name"
              fullWidth
              label="New claim name"
              value={claimName}
              onChange={e => setClaimName(e.target.value)}
              error={badName}
              helperText={
                badName
                  ? 'Lowercase letters, digits, dots and dashes, starting and ending with a letter or digit'
                  : undefined
              }
            />
          </>
        ) : (
          <DialogContentText>
            The dataset's files will be put back as they were at{' '}
            {snapshot?.createdAt} ({snapshot?.message}). Before that, a safety
            snapshot of the current state is taken, so nothing is lost: you can
            restore it to undo.
          </DialogContentText>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button
          color="secondary"
          disabled={badName}
          onClick={() =>
            snapshot &&
            (volume ? onRestore(snapshot, claimName) : onRestore(snapshot))
          }
        >
          Restore
        </Button>
      </DialogActions>
    </Dialog>
  );
}
