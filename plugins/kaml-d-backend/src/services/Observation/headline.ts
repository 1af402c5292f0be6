import {
  ObservationAlert,
  ObservationError,
  ObservationPanel,
  ObservationStatus,
  ObservationWorkload,
} from '@kaml-d/plugin-kaml-d-common';

/** What the headline is decided from. */
export interface HeadlineInput {
  configured: { kubernetes: boolean; prometheus: boolean };
  workloads: ObservationWorkload[];
  panels: ObservationPanel[];
  alerts: ObservationAlert[];
  errors: ObservationError[];
}

function describeWorkload(w: ObservationWorkload): string {
  return `${w.kind} ${w.name} ${w.phase}`;
}

function unreadable(errors: ObservationError[]): string {
  return errors.map(e => `${e.source} ${e.name}`).join(', ');
}

/**
 * The status headline and its reason, in order: every workload unhealthy → down; firing
 * alerts or some unhealthy workloads → degraded; nothing found → unknown; otherwise healthy.
 * Sources that failed are named in the reason, never hidden.
 */
export function decideHeadline(input: HeadlineInput): {
  status: ObservationStatus;
  reason: string;
} {
  const { configured, workloads, panels, alerts, errors } = input;
  const note = errors.length ? ` (could not read ${unreadable(errors)})` : '';
  if (!configured.kubernetes && !configured.prometheus) {
    return {
      status: 'unknown',
      reason:
        'Nothing to observe: configure kamlD.observation.kubernetes.clusters and kamlD.observation.prometheus',
    };
  }
  const unhealthy = workloads.filter(w => !w.healthy);
  if (workloads.length > 0 && unhealthy.length === workloads.length) {
    return {
      status: 'down',
      reason: `No workload is healthy: ${unhealthy
        .slice(0, 3)
        .map(describeWorkload)
        .join('; ')}${note}`,
    };
  }
  if (alerts.length > 0) {
    const named = alerts
      .slice(0, 3)
      .map(
        a =>
          `${a.name}${a.severity ? ` (${a.severity})` : ''}${
            a.summary ? `: ${a.summary}` : ''
          }`,
      )
      .join('; ');
    return {
      status: 'degraded',
      reason: `${alerts.length} alert${
        alerts.length === 1 ? '' : 's'
      } firing — ${named}${note}`,
    };
  }
  if (unhealthy.length > 0) {
    return {
      status: 'degraded',
      reason: `${unhealthy.length} of ${
        workloads.length
      } workloads unhealthy: ${unhealthy
        .slice(0, 3)
        .map(describeWorkload)
        .join('; ')}${note}`,
    };
  }
  const hasSeries = panels.some(p => p.series.length > 0);
  if (workloads.length === 0 && !hasSeries) {
    return {
      status: 'unknown',
      reason: errors.length
        ? `Could not read ${unreadable(errors)}; nothing else was found`
        : 'No workloads or metrics found for this entity',
    };
  }
  const parts: string[] = [];
  if (workloads.length) parts.push(`${workloads.length} workloads healthy`);
  if (hasSeries) parts.push('no alerts firing');
  return { status: 'healthy', reason: `${parts.join(', ')}${note}` };
}
