import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  StatusAborted,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { Theme, useTheme } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import {
  ObservationResponse,
  ObservationStatus,
} from '@kaml-d/plugin-kaml-d-common';
import { kamlDApiRef } from '../../api';
import { LineChart } from './LineChart';
import { SeverityCell } from './SeverityCell';
import { EntityTelemetryCard, TelemetryButtons } from '../Telemetry';

/** Ranges offered by the picker, with their length in seconds. */
export const RANGES: Array<{ value: string; label: string; seconds: number }> =
  [
    { value: '15m', label: 'Last 15 minutes', seconds: 900 },
    { value: '1h', label: 'Last hour', seconds: 3600 },
    { value: '6h', label: 'Last 6 hours', seconds: 21600 },
    { value: '24h', label: 'Last 24 hours', seconds: 86400 },
    { value: '7d', label: 'Last 7 days', seconds: 604800 },
  ];

const STATUS_WORDS: Record<ObservationStatus, string> = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  unhealthy: 'Unhealthy',
  down: 'Down',
  unknown: 'Unknown',
};

/** The headline chip's colours from the theme: green, amber, red (unhealthy and down), grey. */
function statusColours(
  theme: Theme,
  status: ObservationStatus,
): { backgroundColor: string; color: string } {
  const { palette } = theme;
  switch (status) {
    case 'healthy':
      return {
        backgroundColor: palette.success.main,
        color: palette.success.contrastText,
      };
    case 'degraded':
      return {
        backgroundColor: palette.warning.main,
        color: palette.warning.contrastText,
      };
    case 'unhealthy':
    case 'down':
      return {
        backgroundColor: palette.error.main,
        color: palette.error.contrastText,
      };
    default:
      return {
        backgroundColor: palette.grey[500],
        color: palette.getContrastText(palette.grey[500]),
      };
  }
}

function StatusIcon(props: { status: ObservationStatus }) {
  switch (props.status) {
    case 'healthy':
      return <StatusOK />;
    case 'degraded':
      return <StatusWarning />;
    case 'unhealthy':
    case 'down':
      return <StatusError />;
    default:
      return <StatusAborted />;
  }
}

/** Says what to configure when neither Kubernetes nor Prometheus is. */
function NothingConfigured() {
  return (
    <EmptyState
      missing="info"
      title="Health needs Kubernetes or Prometheus"
      description={
        <>
          Nothing is configured to observe this entity. Name the clusters of the
          Kubernetes plugin (<code>kubernetes.clusterLocatorMethods</code>) in{' '}
          <code>kamlD.workloadCluster</code> or <code>kamlD.clusters</code> and
          Prometheus instances under <code>kamlD.observation.prometheus</code>{' '}
          (name, url) in app-config.yaml, and annotate the entity with{' '}
          <code>backstage.io/kubernetes-id</code> and{' '}
          <code>backstage.io/kubernetes-namespace</code>.
        </>
      }
    />
  );
}

function Headline(props: { answer: ObservationResponse }) {
  const { status, reason } = props.answer.headline;
  const theme = useTheme();
  return (
    <Box
      display="flex"
      alignItems="center"
      role="status"
      aria-label={`Health: ${STATUS_WORDS[status]}`}
    >
      <StatusIcon status={status} />
      <Chip
        label={STATUS_WORDS[status]}
        style={{
          ...statusColours(theme, status),
          fontWeight: theme.typography.fontWeightBold as number,
        }}
        data-status={status}
      />
      <Box ml={2}>
        <Typography variant="body1" color="textSecondary">
          {reason}
        </Typography>
      </Box>
    </Box>
  );
}

function Links(props: { answer: ObservationResponse }) {
  const { links } = props.answer;
  if (!links.length) return null;
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      component="nav"
      aria-label="Dashboards, traces and logs"
    >
      {links.map(link => (
        <Box key={`${link.title}:${link.url}`} mr={2}>
          <Link to={link.url}>{link.title}</Link>
        </Box>
      ))}
    </Box>
  );
}

function Sources(props: { answer: ObservationResponse }) {
  const { errors } = props.answer;
  if (!errors.length) return null;
  return (
    <>
      {errors.map(e => (
        <Alert key={`${e.source}:${e.name}`} severity="warning">
          {e.source === 'prometheus' ? 'Prometheus' : 'Kubernetes'} {e.name}:{' '}
          {e.message}
        </Alert>
      ))}
    </>
  );
}

function AlertsCard(props: { answer: ObservationResponse }) {
  const { alerts, configured } = props.answer;
  if (!configured.prometheus) return null;
  return (
    <InfoCard title={`Firing alerts (${alerts.length})`}>
      {alerts.length === 0 ? (
        <Typography variant="body2">
          No alert is firing for this entity.
        </Typography>
      ) : (
        <Table size="small" aria-label="Firing alerts">
          <TableHead>
            <TableRow>
              <TableCell>Alert</TableCell>
              <TableCell>Severity</TableCell>
              <TableCell>Summary</TableCell>
              <TableCell>Since</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {alerts.map(a => (
              <TableRow
                key={`${a.source}:${a.name}:${JSON.stringify(a.labels)}`}
              >
                <TableCell>{a.name}</TableCell>
                <SeverityCell severity={a.severity} />
                <TableCell>{a.summary ?? '—'}</TableCell>
                <TableCell>
                  {a.activeAt
                    ? new Date(a.activeAt)
                        .toISOString()
                        .replace('T', ' ')
                        .slice(0, 19)
                    : '—'}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

function WorkloadsCard(props: { answer: ObservationResponse }) {
  const { workloads, events, configured } = props.answer;
  if (!configured.kubernetes) return null;
  const telemetry = configured.logs || configured.traces;
  return (
    <InfoCard title={`Workloads (${workloads.length})`}>
      {workloads.length === 0 ? (
        <Typography variant="body2">
          No Deployment, pod or Job matches this entity's label selector.
        </Typography>
      ) : (
        <Table size="small" aria-label="Workloads">
          <TableHead>
            <TableRow>
              <TableCell>Kind</TableCell>
              <TableCell>Name</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Restarts</TableCell>
              <TableCell>Conditions</TableCell>
              <TableCell>Cluster</TableCell>
              {telemetry && <TableCell>Logs and traces</TableCell>}
            </TableRow>
          </TableHead>
          <TableBody>
            {workloads.map(w => (
              <TableRow key={`${w.cluster}:${w.kind}:${w.namespace}/${w.name}`}>
                <TableCell>{w.kind}</TableCell>
                <TableCell>{w.name}</TableCell>
                <TableCell>
                  {w.healthy ? <StatusOK /> : <StatusError />}
                  {w.phase}
                </TableCell>
                <TableCell>{w.restarts ?? '—'}</TableCell>
                <TableCell>
                  {w.conditions
                    .map(
                      c =>
                        `${c.type}=${c.status}${
                          c.reason ? ` (${c.reason})` : ''
                        }`,
                    )
                    .join(', ') || '—'}
                </TableCell>
                <TableCell>{w.cluster}</TableCell>
                {telemetry && (
                  <TableCell>
                    <TelemetryButtons links={w.telemetry} subject={w.name} />
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {events.length > 0 && (
        <Box mt={2}>
          <Typography variant="h6">Recent warnings</Typography>
          <Table size="small" aria-label="Warning events">
            <TableBody>
              {events.map((e, i) => (
                <TableRow key={`${e.cluster}:${e.object}:${e.reason}:${i}`}>
                  <TableCell>{e.object}</TableCell>
                  <TableCell>{e.reason}</TableCell>
                  <TableCell>{e.message}</TableCell>
                  <TableCell>×{e.count}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </InfoCard>
  );
}

/** The Health tab: headline, charts over a chosen range, workloads, events, alerts. */
export function HealthTab() {
  const { entity } = useEntity();
  const kamlD = useApi(kamlDApiRef);
  const [range, setRange] = useState('1h');
  const name = {
    kind: entity.kind.toLocaleLowerCase('en-US'),
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
  };
  const state = useAsyncRetry(
    () => kamlD.getObservation(name, range),
    [kamlD, name.kind, name.namespace, name.name, range],
  );
  const rangeSeconds = RANGES.find(r => r.value === range)?.seconds ?? 3600;

  if (state.loading && !state.value) {
    return <Progress aria-label="Loading health" />;
  }
  if (state.error) {
    return (
      <ResponseErrorPanel
        title="Could not load the health of this entity"
        error={state.error}
      />
    );
  }
  const answer = state.value;
  if (!answer) return null;
  if (!answer.configured.kubernetes && !answer.configured.prometheus) {
    return <NothingConfigured />;
  }
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Box display="flex" alignItems="center" justifyContent="space-between">
          <Headline answer={answer} />
          <Box flexShrink={0} ml={2}>
            <TextField
              select
              label="Time range"
              value={range}
              onChange={event => setRange(event.target.value)}
              variant="outlined"
              size="small"
            >
              {RANGES.map(r => (
                <MenuItem key={r.value} value={r.value}>
                  {r.label}
                </MenuItem>
              ))}
            </TextField>
          </Box>
        </Box>
      </Grid>
      {answer.links.length > 0 && (
        <Grid item xs={12}>
          <Links answer={answer} />
        </Grid>
      )}
      {answer.errors.length > 0 && (
        <Grid item xs={12}>
          <Sources answer={answer} />
        </Grid>
      )}
      <Grid item xs={12}>
        <AlertsCard answer={answer} />
      </Grid>
      {answer.panels.map(panel => (
        <Grid item xs={12} md={6} key={panel.id}>
          <InfoCard title={panel.title} subheader={panel.source}>
            <LineChart panel={panel} rangeSeconds={rangeSeconds} />
          </InfoCard>
        </Grid>
      ))}
      <Grid item xs={12}>
        <WorkloadsCard answer={answer} />
      </Grid>
      <Grid item xs={12}>
        <EntityTelemetryCard answer={answer} subject={entity.metadata.name} />
      </Grid>
    </Grid>
  );
}
