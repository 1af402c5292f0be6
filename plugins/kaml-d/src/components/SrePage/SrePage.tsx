import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  Content,
  EmptyState,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  SreOverviewResponse,
  SreWorkloadRow,
} from '@kaml-d/plugin-kaml-d-common';
import { kamlDApiRef } from '../../api';
import { SeverityCell } from '../HealthTab/SeverityCell';
import { rootRouteRef } from '../../routes';
import { serverMessage } from '../shared/errors';
import { formatBytes } from '../shared/relations';

function EntityCell(props: { entityRef?: string }) {
  return (
    <TableCell>
      {props.entityRef ? <EntityRefLink entityRef={props.entityRef} /> : '—'}
    </TableCell>
  );
}

function NodesCard(props: { overview: SreOverviewResponse }) {
  const { nodes } = props.overview;
  return (
    <InfoCard title={`Cluster nodes (${nodes.length})`}>
      {nodes.length === 0 ? (
        <Typography variant="body2">No node was read.</Typography>
      ) : (
        <Table size="small" aria-label="Cluster nodes">
          <TableHead>
            <TableRow>
              <TableCell>Node</TableCell>
              <TableCell>Cluster</TableCell>
              <TableCell>Ready</TableCell>
              <TableCell>GPUs in use</TableCell>
              <TableCell>GPU utilisation</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {nodes.map(n => (
              <TableRow key={`${n.cluster}:${n.name}`}>
                <TableCell>{n.name}</TableCell>
                <TableCell>{n.cluster}</TableCell>
                <TableCell>
                  {n.ready ? <StatusOK /> : <StatusError />}
                  {n.ready ? 'Ready' : 'Not ready'}
                </TableCell>
                <TableCell>
                  {n.gpuAllocatable > 0
                    ? `${n.gpuRequested} of ${n.gpuAllocatable}`
                    : 'no GPU'}
                </TableCell>
                <TableCell>
                  {n.gpuUtilisation === undefined
                    ? '—'
                    : `${Math.round(n.gpuUtilisation)} %`}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

function WorkloadsCard(props: {
  title: string;
  rows: SreWorkloadRow[];
  none: string;
}) {
  const { title, rows, none } = props;
  return (
    <InfoCard title={`${title} (${rows.length})`}>
      {rows.length === 0 ? (
        <Typography variant="body2">{none}</Typography>
      ) : (
        <Table size="small" aria-label={title}>
          <TableHead>
            <TableRow>
              <TableCell>Entity</TableCell>
              <TableCell>{rows[0].kind}</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Reason</TableCell>
              <TableCell>Cluster</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(r => (
              <TableRow key={`${r.cluster}:${r.kind}:${r.namespace}/${r.name}`}>
                <EntityCell entityRef={r.entityRef} />
                <TableCell>
                  {r.namespace}/{r.name}
                </TableCell>
                <TableCell>{r.phase}</TableCell>
                <TableCell>
                  {r.conditions
                    .filter(c => c.reason || c.message)
                    .map(c => c.reason ?? c.message)
                    .join(', ') || '—'}
                </TableCell>
                <TableCell>{r.cluster}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

function AlertsCard(props: { overview: SreOverviewResponse }) {
  const { alerts } = props.overview;
  return (
    <InfoCard title={`Firing alerts (${alerts.length})`}>
      {alerts.length === 0 ? (
        <Typography variant="body2">No alert is firing.</Typography>
      ) : (
        <Table size="small" aria-label="Firing alerts">
          <TableHead>
            <TableRow>
              <TableCell>Entity</TableCell>
              <TableCell>Alert</TableCell>
              <TableCell>Severity</TableCell>
              <TableCell>Summary</TableCell>
              <TableCell>Prometheus</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {alerts.map(a => (
              <TableRow key={`${a.source}:${JSON.stringify(a.labels)}`}>
                <EntityCell entityRef={a.entityRef} />
                <TableCell>{a.name}</TableCell>
                <SeverityCell severity={a.severity} />
                <TableCell>{a.summary ?? '—'}</TableCell>
                <TableCell>{a.source}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

/** Dataset storage: bytes used, capacity and share, from the Workbench's storage summary. */
function StorageCard() {
  const kamlD = useApi(kamlDApiRef);
  const workbench = useRouteRef(rootRouteRef);
  const { value, loading, error } = useAsync(
    () => kamlD.getStorageSummary(),
    [kamlD],
  );
  let body;
  if (loading && !value) {
    body = <Progress aria-label="Measuring storage" />;
  } else if (error) {
    body = (
      <Typography color="error" variant="body2">
        Storage summary unavailable: {serverMessage(error)}
      </Typography>
    );
  } else if (!value) {
    body = null;
  } else {
    body = (
      <Table size="small" aria-label="Storage capacity">
        <TableHead>
          <TableRow>
            <TableCell>Buckets</TableCell>
            <TableCell>Used</TableCell>
            <TableCell>Capacity</TableCell>
            <TableCell>Share</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          <TableRow>
            <TableCell>
              {workbench ? (
                <Link to={workbench()}>
                  {value.buckets.join(', ') || value.adapter}
                </Link>
              ) : (
                value.buckets.join(', ') || value.adapter
              )}
            </TableCell>
            <TableCell>{formatBytes(value.bytes)}</TableCell>
            <TableCell>
              {value.capacityBytes === undefined
                ? 'not configured'
                : formatBytes(value.capacityBytes)}
            </TableCell>
            <TableCell>
              {value.percentUsed === undefined ? '—' : `${value.percentUsed} %`}
            </TableCell>
          </TableRow>
        </TableBody>
      </Table>
    );
  }
  return <InfoCard title="Storage capacity">{body}</InfoCard>;
}

function Overview() {
  const kamlD = useApi(kamlDApiRef);
  const state = useAsyncRetry(() => kamlD.getSreOverview(), [kamlD]);
  if (state.loading && !state.value) {
    return <Progress aria-label="Loading the platform overview" />;
  }
  if (state.error) {
    return (
      <ResponseErrorPanel
        title="Could not load the platform overview"
        error={state.error}
      />
    );
  }
  const overview = state.value;
  if (!overview) return null;
  if (!overview.configured.kubernetes && !overview.configured.prometheus) {
    return (
      <EmptyState
        missing="info"
        title="The SRE overview needs Kubernetes or Prometheus"
        description={
          <>
            Name the clusters of the Kubernetes plugin in{' '}
            <code>kamlD.workloadCluster</code> or <code>kamlD.clusters</code>{' '}
            and Prometheus instances under{' '}
            <code>kamlD.observation.prometheus</code> in app-config.yaml.
          </>
        }
      />
    );
  }
  return (
    <Grid container spacing={3}>
      {overview.errors.map(e => (
        <Grid item xs={12} key={`${e.source}:${e.name}`}>
          <Alert severity="warning">
            {e.source === 'prometheus' ? 'Prometheus' : 'Kubernetes'} {e.name}:{' '}
            {e.message}
          </Alert>
        </Grid>
      ))}
      <Grid item xs={12}>
        <AlertsCard overview={overview} />
      </Grid>
      {overview.configured.kubernetes && (
        <>
          <Grid item xs={12}>
            <WorkloadsCard
              title="Unhealthy model endpoints"
              rows={overview.unhealthyEndpoints}
              none="Every Deployment has its replicas ready."
            />
          </Grid>
          <Grid item xs={12}>
            <WorkloadsCard
              title="Failing training runs"
              rows={overview.failingRuns}
              none="No Job has failed."
            />
          </Grid>
          <Grid item xs={12}>
            <NodesCard overview={overview} />
          </Grid>
        </>
      )}
      <Grid item xs={12}>
        <StorageCard />
      </Grid>
    </Grid>
  );
}

/** The SRE page: the platform's nodes and GPUs, failing runs, unhealthy endpoints and alerts. */
export function SrePage() {
  return (
    <Page themeId="tool">
      <Header
        title="Platform health"
        subtitle="Nodes, GPUs, failing runs, unhealthy endpoints and firing alerts"
      />
      <Content>
        <Overview />
      </Content>
    </Page>
  );
}
