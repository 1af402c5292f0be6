import { NotebookServer } from '@kaml-d/plugin-kaml-d-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';

/** The server's name as the card shows it. */
export function serverLabel(server: NotebookServer): string {
  return server.name || 'default';
}

/**
 * Asks before stopping `server`: its kernels end and unsaved notebook changes are lost; the
 * files stay, and "Open in notebook" starts it again. Closed without a server.
 */
export function StopServerDialog(props: {
  server?: NotebookServer;
  onCancel: () => void;
  onStop: (server: NotebookServer) => void;
}) {
  const { server, onCancel, onStop } = props;
  return (
    <Dialog open={!!server} onClose={onCancel}>
      <DialogTitle>
        Stop the {server ? serverLabel(server) : ''} notebook server?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          Its running kernels end and changes not saved in JupyterLab are lost.
          The notebooks already saved stay in your server's folder; "Open in
          notebook" or JupyterHub starts the server again.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button color="secondary" onClick={() => server && onStop(server)}>
          Stop server
        </Button>
      </DialogActions>
    </Dialog>
  );
}
