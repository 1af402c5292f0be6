import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { InfoCard } from '@backstage/core-components';
import {
  ObservationResponse,
  ObservationTelemetryLinks,
} from '@kaml-d/plugin-kaml-d-common';

/**
 * Logs and Traces buttons of an entity, a workload or a run: one per configured tool, each
 * opening the tool in a new tab. Renders nothing when there is no link.
 */
export function TelemetryButtons(props: {
  links?: ObservationTelemetryLinks;
  /** What the links are about, for screen readers: `pod x`, `run y`. */
  subject: string;
}) {
  const { links, subject } = props;
  const all = [
    ...(links?.logs ?? []).map(l => ({ ...l, kind: 'Logs' })),
    ...(links?.traces ?? []).map(l => ({ ...l, kind: 'Traces' })),
  ];
  if (!all.length) return null;
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      component="nav"
      aria-label={`Logs and traces of ${subject}`}
    >
      {all.map(link => (
        <Box key={`${link.kind}:${link.tool}`} mr={1}>
          <Button
            size="small"
            variant="outlined"
            href={link.url}
            target="_blank"
            rel="noopener noreferrer"
          >
            {link.kind} · {link.title}
          </Button>
        </Box>
      ))}
    </Box>
  );
}

/** The YAML an admin adds to get Logs and Traces buttons (shown when none is configured). */
export const TELEMETRY_CONFIG_SNIPPET = `kamlD:
  observation:
    logs:
      grafana: { url: https://grafana.example.com, datasource: <Loki data source UID> }
      # or kibana: { url, dataView } / opensearchDashboards: { url, indexPattern }
      loki: { url: http://loki-gateway.monitoring } # past logs in the Runs tab
    traces:
      jaeger: { url: https://jaeger.example.com }
      # or grafana: { url, datasource: <Tempo data source UID> }`;

/** Says how to get Logs and Traces buttons when no log or trace tool is configured. */
export function TelemetryNotConfigured() {
  return (
    <InfoCard title="Logs and traces">
      <Typography variant="body2">
        No log or trace tool is configured. Logs and Traces buttons for each
        pod, workload and run appear once an admin adds Grafana (Loki, Tempo),
        Kibana, OpenSearch Dashboards or Jaeger under{' '}
        <code>kamlD.observation.logs</code> and{' '}
        <code>kamlD.observation.traces</code> in app-config.yaml (see
        docs/observability.md):
      </Typography>
      <pre aria-label="Logs and traces configuration">
        {TELEMETRY_CONFIG_SNIPPET}
      </pre>
    </InfoCard>
  );
}

/** The entity's Logs and Traces over the range, or how to configure them. */
export function EntityTelemetryCard(props: {
  answer: ObservationResponse;
  subject: string;
}) {
  const { answer, subject } = props;
  if (!answer.configured.logs && !answer.configured.traces) {
    return <TelemetryNotConfigured />;
  }
  return (
    <InfoCard title="Logs and traces">
      <TelemetryButtons links={answer.telemetry} subject={subject} />
      {!answer.telemetry?.traces.length && answer.configured.traces && (
        <Typography variant="caption" color="textSecondary">
          No service name to search traces for.
        </Typography>
      )}
    </InfoCard>
  );
}
