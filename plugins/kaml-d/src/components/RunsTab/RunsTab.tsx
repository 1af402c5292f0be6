import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { ObservationTelemetryLinks } from '@kaml-d/plugin-kaml-d-common';
import { TelemetryButtons } from '../Telemetry';
import { PastLogsCard } from './PastLogs';
import { RunProgress, RunProgressValue } from './RunProgress';

/** One pod of a run, as `GET /api/kaml-d/runs/:namespace/:name` answers. */
interface RunPod {
  name: string;
  phase: string;
  containers: string[];
  restarts: number;
  hasPrevious: boolean;
}
interface TrainingRun {
  /** Job, a training-operator TFJob / PyTorchJob, or a Kubeflow Trainer TrainJob. */
  kind?: string;
  /** A TrainJob's runtime, such as `ClusterTrainingRuntime torch-distributed`. */
  runtime?: string;
  /** A TrainJob's child Jobs and trainer progress. */
  progress?: RunProgressValue;
  name: string;
  status: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /** Why, from a custom resource's status.conditions. */
  message?: string;
  startTime?: string;
  durationSeconds?: number;
  gpus: number;
  pods: RunPod[];
  /** Logs and traces of the run in the configured tools. */
  telemetry?: ObservationTelemetryLinks;
}
interface ModelDeploymentRow {
  /** Deployment or InferenceService. */
  kind?: string;
  /** An InferenceService's interpreted status (Ready, NotReady, Failed, Unknown). */
  status?: string;
  message?: string;
  canaryTrafficPercent?: number;
  name: string;
  namespace: string;
  version?: string;
  track?: string;
  desiredReplicas: number;
  readyReplicas: number;
  endpoint: string;
  telemetry?: ObservationTelemetryLinks;
}
interface ModelRunsResponse {
  runs: TrainingRun[];
  deployments: ModelDeploymentRow[];
  error?: string;
  /** Custom-resource lists that failed while the rest loaded. */
  errors?: Array<{ resource: string; message: string }>;
  /** Where past logs of finished or deleted pods can be searched. */
  pastLogs?: 'loki' | 'elasticsearch';
}

/** Names the lists that failed when the answer is partial. */
function PartialAnswer({ value }: { value: ModelRunsResponse }) {
  if (!value.errors?.length) return null;
  return (
    <Alert severity="warning">
      Partly loaded:{' '}
      {value.errors.map(e => `${e.resource}: ${e.message}`).join('; ')}
    </Alert>
  );
}

/** Ready/desired replicas, or an InferenceService's interpreted status with its reason. */
function Readiness({ row }: { row: ModelDeploymentRow }) {
  if (row.status && row.status !== 'Ready') {
    return (
      <>
        {row.status === 'Failed' ? (
          <StatusError>{row.status}</StatusError>
        ) : (
          <StatusPending>{row.status}</StatusPending>
        )}
        <Detail text={row.message} />
      </>
    );
  }
  const text = `${row.readyReplicas}/${row.desiredReplicas}`;
  return row.readyReplicas >= row.desiredReplicas ? (
    <StatusOK>{text}</StatusOK>
  ) : (
    <StatusPending>{text}</StatusPending>
  );
}

/** A kind (when not the plain one) and a status message under a cell's value. */
function Detail({ text }: { text?: string }) {
  return text ? (
    <Typography variant="caption" color="textSecondary" component="div">
      {text}
    </Typography>
  ) : null;
}

/** `1h 02m 05s` from seconds. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

function useKamlDFetch() {
  const discovery = useApi(discoveryApiRef);
  const { fetch } = useApi(fetchApiRef);
  return async <T,>(path: string): Promise<T> => {
    const base = await discovery.getBaseUrl('kaml-d');
    const response = await fetch(`${base}${path}`);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  };
}

function useModelRuns() {
  const { entity } = useEntity();
  const get = useKamlDFetch();
  const path = `/runs/${encodeURIComponent(
    entity.metadata.namespace ?? 'default',
  )}/${encodeURIComponent(entity.metadata.name)}`;
  const state = useAsyncRetry(() => get<ModelRunsResponse>(path), [path]);
  return { ...state, path, get };
}

function RunStatus({ status }: { status: TrainingRun['status'] }) {
  if (status === 'Succeeded') return <StatusOK>Succeeded</StatusOK>;
  if (status === 'Failed') return <StatusError>Failed</StatusError>;
  if (status === 'Running') return <StatusRunning>Running</StatusRunning>;
  return <StatusPending>Pending</StatusPending>;
}

/** The log tail of one pod; `follow` polls every 3 s, `previous` reads the restarted container. */
function PodLog(props: { path: string; pod: RunPod }) {
  const { path, pod } = props;
  const get = useKamlDFetch();
  const [previous, setPrevious] = useState(false);
  const [follow, setFollow] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!follow) return undefined;
    const timer = setInterval(() => setTick(t => t + 1), 3000);
    return () => clearInterval(timer);
  }, [follow]);
  const log = useAsyncRetry(
    () =>
      get<{ text: string }>(
        `${path}/pods/${encodeURIComponent(pod.name)}/logs?tailLines=500${
          previous ? '&previous=true' : ''
        }`,
      ),
    [path, pod.name, previous, tick],
  );
  return (
    <InfoCard title={`Logs of ${pod.name}`}>
      <FormControlLabel
        control={
          <Checkbox checked={follow} onChange={(_, v) => setFollow(v)} />
        }
        label="Follow"
      />
      <FormControlLabel
        control={
          <Checkbox
            checked={previous}
            disabled={!pod.hasPrevious}
            onChange={(_, v) => setPrevious(v)}
          />
        }
        label="Previous container"
      />
      {log.error ? (
        <Alert severity="warning">{log.error.message}</Alert>
      ) : (
        <pre style={{ maxHeight: 400, overflow: 'auto' }}>
          {log.value?.text || (log.loading ? 'Loading…' : '(empty log)')}
        </pre>
      )}
    </InfoCard>
  );
}

/** The Runs tab of a Model: its training Jobs with status, start, duration, GPUs and logs. */
export function RunsTab() {
  const { value, loading, error, path } = useModelRuns();
  const [selected, setSelected] = useState<RunPod | undefined>();
  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (value?.error) return <Alert severity="error">{value.error}</Alert>;
  if (!value?.runs.length) {
    return (
      <>
        <EmptyState
          missing="data"
          title="No training runs yet"
          description="Launch one with the Train a model template; its Job appears here."
        />
        {value?.pastLogs && (
          <PastLogsCard path={path} source={value.pastLogs} />
        )}
      </>
    );
  }
  return (
    <>
      <PartialAnswer value={value} />
      <InfoCard title="Training runs">
        <Table size="small" aria-label="Training runs">
          <TableHead>
            <TableRow>
              <TableCell>Run</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Started</TableCell>
              <TableCell>Duration</TableCell>
              <TableCell>GPUs</TableCell>
              {value.runs.some(r => r.progress) && (
                <TableCell>Progress</TableCell>
              )}
              <TableCell>Pods</TableCell>
              <TableCell>Logs and traces</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.runs.map(run => (
              <TableRow key={run.name}>
                <TableCell>
                  {run.name}
                  <Detail
                    text={[
                      run.kind && run.kind !== 'Job' ? run.kind : '',
                      run.runtime,
                    ]
                      .filter(Boolean)
                      .join(' on ')}
                  />
                </TableCell>
                <TableCell>
                  <RunStatus status={run.status} />
                  <Detail text={run.message} />
                </TableCell>
                <TableCell>
                  {run.startTime
                    ? new Date(run.startTime).toLocaleString()
                    : '—'}
                </TableCell>
                <TableCell>{formatDuration(run.durationSeconds)}</TableCell>
                <TableCell>{run.gpus}</TableCell>
                {value.runs.some(r => r.progress) && (
                  <TableCell>
                    <RunProgress progress={run.progress} />
                  </TableCell>
                )}
                <TableCell>
                  {run.pods.map(pod => (
                    <Button
                      key={pod.name}
                      size="small"
                      onClick={() => setSelected(pod)}
                    >
                      Logs {pod.name}
                      {pod.restarts ? ` (${pod.restarts} restarts)` : ''}
                    </Button>
                  ))}
                </TableCell>
                <TableCell>
                  <TelemetryButtons links={run.telemetry} subject={run.name} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </InfoCard>
      {selected && <PodLog key={selected.name} path={path} pod={selected} />}
      {value.pastLogs && (
        <PastLogsCard
          key={selected?.name}
          path={path}
          source={value.pastLogs}
          pod={selected?.name}
        />
      )}
    </>
  );
}

/** The Deployments tab of a Model: version served, replicas desired/ready and endpoint. */
export function DeploymentsTab() {
  const { value, loading, error } = useModelRuns();
  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (value?.error) return <Alert severity="error">{value.error}</Alert>;
  if (!value?.deployments.length) {
    return (
      <EmptyState
        missing="data"
        title="Not deployed"
        description="Deploy a version with the Deploy a model template."
      />
    );
  }
  return (
    <>
      <PartialAnswer value={value} />
      <InfoCard title="Deployments">
        <Table size="small" aria-label="Deployments">
          <TableHead>
            <TableRow>
              <TableCell>Deployment</TableCell>
              <TableCell>Version</TableCell>
              <TableCell>Track</TableCell>
              <TableCell>Ready / desired</TableCell>
              <TableCell>Endpoint</TableCell>
              <TableCell>Logs and traces</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.deployments.map(d => (
              <TableRow key={`${d.namespace}/${d.name}`}>
                <TableCell>
                  {d.name}
                  <Detail text={d.kind === 'InferenceService' ? d.kind : ''} />
                </TableCell>
                <TableCell>{d.version ?? '—'}</TableCell>
                <TableCell>
                  {d.canaryTrafficPercent !== undefined
                    ? `canary ${d.canaryTrafficPercent}%`
                    : d.track ?? '—'}
                </TableCell>
                <TableCell>
                  <Readiness row={d} />
                </TableCell>
                <TableCell>{d.endpoint}</TableCell>
                <TableCell>
                  <TelemetryButtons links={d.telemetry} subject={d.name} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </InfoCard>
    </>
  );
}
