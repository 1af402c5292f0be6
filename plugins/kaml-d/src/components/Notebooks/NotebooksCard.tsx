import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApiHolder } from '@backstage/core-plugin-api';
import { NotebookServer } from '@kaml-d/plugin-kaml-d-common';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kamlDNotebooksApiRef } from '../../api/NotebooksApi';

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
 * The signed-in user's JupyterHub servers: name, status (ready, pending, stopped), last activity
 * and a link to JupyterLab. Hidden when the backend has no notebooks configured.
 */
export function NotebooksCard() {
  const notebooks = useApiHolder().get(kamlDNotebooksApiRef);
  const state = useAsyncRetry(
    async () => (notebooks ? notebooks.getServers() : undefined),
    [notebooks],
  );
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
  const answer = state.value;
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
            </TableRow>
          </TableHead>
          <TableBody>
            {answer.servers.map(server => (
              <TableRow key={server.name}>
                <TableCell>{server.name || 'default'}</TableCell>
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
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
