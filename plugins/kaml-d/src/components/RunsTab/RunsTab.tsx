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
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
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
import {
  ModelDeploymentRow,
  ModelRunsResponse,
  RunPod,
  TrainingRun,
} from '@kaml-d/plugin-kaml-d-common';
import { DatasetName, kamlDApiRef } from '../../api';
import { TelemetryButtons } from '../Telemetry';
import { PastLogsCard } from './PastLogs';
import { RunProgress } from './RunProgress';

/** Names the lists that failed when the answer is partial. */
function PartialAnswer({ value }: { value: ModelRunsResponse }) {
  if (!value.errors?.length) return null;
  return (
    <Alert severity="warning">
      Partly loaded:{' '}
      {value.errors.map(e => `${e.name}: ${e.message}`).join('; ')}
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

/** The model's runs and deployments, with the model they are of. */
function useModelRuns() {
  const { entity } = useEntity();
  const api = useApi(kamlDApiRef);
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const state = useAsyncRetry(
    () => api.getModelRuns({ namespace, name }),
    [api, namespace, name],
  );
  return { ...state, model: { namespace, name } };
}

function RunStatus({ status }: { status: TrainingRun['status'] }) {
  if (status === 'Succeeded') return <StatusOK>Succeeded</StatusOK>;
  if (status === 'Failed') return <StatusError>Failed</StatusError>;
  if (status === 'Running') return <StatusRunning>Running</StatusRunning>;
  return <StatusPending>Pending</StatusPending>;
}

/** The log tail of one pod; `follow` polls every 3 s, `previous` reads the restarted container. */
function PodLog(props: { model: DatasetName; pod: RunPod }) {
  const { model, pod } = props;
  const api = useApi(kamlDApiRef);
  const [previous, setPrevious] = useState(false);
  const [follow, setFollow] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!follow) return undefined;
    const timer = setInterval(() => setTick(t => t + 1), 3000);
    return () => clearInterval(timer);
  }, [follow]);
  const log = useAsyncRetry(
    () => api.getRunPodLog(model, pod.name, { tailLines: 500, previous }),
    [api, model.namespace, model.name, pod.name, previous, tick],
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
  const { value, loading, error, model } = useModelRuns();
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
          <PastLogsCard model={model} source={value.pastLogs} />
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
      {selected && <PodLog key={selected.name} model={model} pod={selected} />}
      {value.pastLogs && (
        <PastLogsCard
          key={selected?.name}
          model={model}
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
