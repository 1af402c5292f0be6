import { FormEvent, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  PastLogStore,
  RunPastLogsResponse,
} from '@kaml-d/plugin-kaml-d-common';
import { DatasetName, kamlDApiRef } from '../../api';

const SOURCE_NAMES = { loki: 'Loki', elasticsearch: 'Elasticsearch' };

/**
 * Searches the log store for a pod of one of the model's runs, also a finished or deleted one:
 * the pod (prefilled with the selected one), a container and a text each line must contain.
 */
export function PastLogsCard(props: {
  /** The model whose runs' pods are searched. */
  model: DatasetName;
  source: PastLogStore;
  pod?: string;
}) {
  const api = useApi(kamlDApiRef);
  const [pod, setPod] = useState(props.pod ?? '');
  const [container, setContainer] = useState('');
  const [text, setText] = useState('');
  const [state, setState] = useState<{
    loading?: boolean;
    error?: Error;
    value?: RunPastLogsResponse;
  }>({});

  async function search(event: FormEvent) {
    event.preventDefault();
    setState({ loading: true });
    try {
      const value = await api.searchRunPastLogs(props.model, pod.trim(), {
        limit: 1000,
        container,
        text,
      });
      setState({ value });
    } catch (error) {
      setState({ error: error as Error });
    }
  }

  const { value } = state;
  return (
    <InfoCard
      title="Past logs"
      subheader={`Finished or deleted pods, from ${SOURCE_NAMES[props.source]}`}
    >
      <form onSubmit={search} aria-label="Search past logs">
        <Box display="flex" flexWrap="wrap" alignItems="center">
          <Box mr={1} mb={1}>
            <TextField
              id="past-logs-pod"
              label="Pod"
              required
              size="small"
              variant="outlined"
              value={pod}
              onChange={e => setPod(e.target.value)}
            />
          </Box>
          <Box mr={1} mb={1}>
            <TextField
              id="past-logs-container"
              label="Container"
              size="small"
              variant="outlined"
              value={container}
              onChange={e => setContainer(e.target.value)}
            />
          </Box>
          <Box mr={1} mb={1}>
            <TextField
              id="past-logs-text"
              label="Contains"
              size="small"
              variant="outlined"
              value={text}
              onChange={e => setText(e.target.value)}
            />
          </Box>
          <Box mb={1}>
            <Button
              type="submit"
              variant="contained"
              color="primary"
              disabled={!pod.trim() || state.loading}
            >
              Search past logs
            </Button>
          </Box>
        </Box>
      </form>
      {state.error && (
        <Alert severity="warning">
          {/* the backend's sentence (which store is down, what to change) */}
          {(state.error as ResponseError).body?.error?.message ??
            state.error.message}
        </Alert>
      )}
      {state.loading && <Typography variant="body2">Searching…</Typography>}
      {value && (
        <>
          <Typography variant="caption" color="textSecondary">
            {value.lines.length} lines of {value.pod} from{' '}
            {new Date(value.window.start).toLocaleString()} to{' '}
            {new Date(value.window.end).toLocaleString()}
          </Typography>
          <pre
            style={{ maxHeight: 400, overflow: 'auto' }}
            aria-label={`Past logs of ${value.pod}`}
          >
            {value.lines.length
              ? value.lines
                  .map(
                    l =>
                      `${l.time}${l.container ? ` [${l.container}]` : ''} ${
                        l.line
                      }`,
                  )
                  .join('\n')
              : '(no lines in this window)'}
          </pre>
        </>
      )}
    </InfoCard>
  );
}
