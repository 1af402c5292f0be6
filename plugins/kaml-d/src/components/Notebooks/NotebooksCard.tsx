import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi, useApiHolder } from '@backstage/core-plugin-api';
import {
  NotebookServer,
  NotebookServersResponse,
} from '@kaml-d/plugin-kaml-d-common';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kamlDNotebooksApiRef } from '../../api/NotebooksApi';
import { serverMessage } from '../shared/errors';
import { serverLabel, StopServerDialog } from './StopServerDialog';

const STATUS_LABEL: Record<NotebookServer['status'], string> = {
  ready: 'Ready',
  pending: 'Pending',
  stopped: 'Stopped',
};

function StatusChip(props: { server: NotebookServer }) {
  const { server } = props;
  const label =
    server.status === 'pending' && server.pending
      ? `Pending (${server.pending})`
      : STATUS_LABEL[server.status];
  return (
    <Chip
      size="small"
      label={label}
      color={server.status === 'ready' ? 'primary' : 'default'}
      variant={server.status === 'stopped' ? 'outlined' : 'default'}
    />
  );
}

/**
 * The signed-in user's JupyterHub servers: name, status (ready, pending, stopped), last activity,
 * a link to JupyterLab and Stop (after a confirmation) for running ones. Hidden when the backend
 * has no notebooks configured.
 */
export function NotebooksCard() {
  const notebooks = useApiHolder().get(kamlDNotebooksApiRef);
  const alerts = useApi(alertApiRef);
  const state = useAsyncRetry(
    async () => (notebooks ? notebooks.getServers() : undefined),
    [notebooks],
  );
  // the list the last stop answered, newer than the first read
  const [latest, setLatest] = useState<NotebookServersResponse>();
  const [confirming, setConfirming] = useState<NotebookServer>();
  const [stopping, setStopping] = useState<string>();

  const stop = async (server: NotebookServer) => {
    setConfirming(undefined);
    if (!notebooks) return;
    setStopping(server.name);
    try {
      const after = await notebooks.stopServer(server.name);
      setLatest(after);
      const still = after.servers.find(s => s.name === server.name);
      alerts.post({
        message:
          still && still.status !== 'stopped'
            ? `JupyterHub is still stopping the ${serverLabel(server)} server.`
            : `The ${serverLabel(server)} notebook server is stopped.`,
        severity: 'success',
        display: 'transient',
      });
    } catch (error) {
      alerts.post({
        message: `Could not stop the ${serverLabel(
          server,
        )} server: ${serverMessage(error as Error)}`,
        severity: 'error',
      });
    } finally {
      setStopping(undefined);
    }
  };

  if (state.loading) {
    return (
      <InfoCard title="Notebooks">
        <Progress aria-label="Loading notebook servers" />
      </InfoCard>
    );
  }
  if (state.error) {
    return (
      <InfoCard title="Notebooks">
        <ResponseErrorPanel
          title="Could not list your notebook servers"
          error={state.error}
        />
      </InfoCard>
    );
  }
  const answer = latest ?? state.value;
  if (!answer) return null;
  return (
    <InfoCard
      title="Notebooks"
      subheader={`Your JupyterHub servers (hub user ${answer.user})`}
      deepLink={{ title: 'Open JupyterHub', link: `${answer.hubUrl}/hub/home` }}
    >
      {answer.servers.length === 0 ? (
        <Typography variant="body2">
          You have no notebook server yet: "Open in notebook" on a dataset or a
          model version starts one.
        </Typography>
      ) : (
        <Table size="small" aria-label="Notebook servers">
          <TableHead>
            <TableRow>
              <TableCell>Server</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Last activity</TableCell>
              <TableCell />
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {answer.servers.map(server => (
              <TableRow key={server.name}>
                <TableCell>{serverLabel(server)}</TableCell>
                <TableCell>
                  <StatusChip server={server} />
                </TableCell>
                <TableCell>
                  {server.lastActivity
                    ? new Date(server.lastActivity).toLocaleString()
                    : '—'}
                </TableCell>
                <TableCell>
                  {server.status === 'ready' ? (
                    <Link to={server.url} target="_blank">
                      Open JupyterLab
                    </Link>
                  ) : (
                    '—'
                  )}
                </TableCell>
                <TableCell>
                  {server.status === 'ready' && (
                    <Button
                      size="small"
                      variant="outlined"
                      disabled={stopping === server.name}
                      onClick={() => setConfirming(server)}
                      aria-label={`Stop the ${serverLabel(server)} server`}
                    >
                      {stopping === server.name ? 'Stopping…' : 'Stop'}
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <StopServerDialog
        server={confirming}
        onCancel={() => setConfirming(undefined)}
        onStop={stop}
      />
    </InfoCard>
  );
}
