import {
  ObservationAlert,
  PartialFailure,
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
  errors: PartialFailure[];
}

/** Alert severities that make an entity unhealthy (red) rather than degraded (amber). */
export const CRITICAL_SEVERITIES = ['critical', 'page', 'error'];

/** Whether a firing alert is critical (its `severity` label, case-insensitive). */
export function isCritical(alert: ObservationAlert): boolean {
  return CRITICAL_SEVERITIES.includes(
    (alert.severity ?? '').toLocaleLowerCase('en-US'),
  );
}

/**
 * Whether a workload is a Deployment that serves nothing: its `Available` condition is `False`,
 * or none of its wanted replicas is ready.
 */
export function isUnavailableDeployment(w: ObservationWorkload): boolean {
  if (w.kind !== 'Deployment' || w.healthy) return false;
  return (
    w.conditions.some(c => c.type === 'Available' && c.status === 'False') ||
    /^0\/[1-9]\d* ready$/.test(w.phase)
  );
}

function describeWorkload(w: ObservationWorkload): string {
  return `${w.kind} ${w.name} ${w.phase}`;
}

function describeAlert(a: ObservationAlert): string {
  return `${a.name}${a.severity ? ` (${a.severity})` : ''}${
    a.summary ? `: ${a.summary}` : ''
  }`;
}

function unreadable(errors: PartialFailure[]): string {
  return errors.map(e => `${e.source} ${e.name}`).join(', ');
}

function firing(alerts: ObservationAlert[]): string {
  // critical alerts first, so the reason names what made the status red
  const ordered = [
    ...alerts.filter(isCritical),
    ...alerts.filter(a => !isCritical(a)),
  ];
  return `${alerts.length} alert${
    alerts.length === 1 ? '' : 's'
  } firing — ${ordered.slice(0, 3).map(describeAlert).join('; ')}`;
}

/**
 * The status headline and its reason, in order: every workload unhealthy → down; a critical
 * alert firing or a Deployment unavailable → unhealthy; warning alerts or some unhealthy
 * workloads → degraded; nothing found → unknown; otherwise healthy. Sources that failed are
 * named in the reason, never hidden.
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
        'Nothing to observe: configure kamlD.workloadCluster or kamlD.clusters (clusters of kubernetes.clusterLocatorMethods) and kamlD.observation.prometheus',
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
  const unavailable = workloads.filter(isUnavailableDeployment);
  if (alerts.some(isCritical)) {
    const also = unavailable.length
      ? `; ${unavailable.slice(0, 3).map(describeWorkload).join('; ')}`
      : '';
    return { status: 'unhealthy', reason: `${firing(alerts)}${also}${note}` };
  }
  if (unavailable.length > 0) {
    const also = alerts.length ? `; ${firing(alerts)}` : '';
    return {
      status: 'unhealthy',
      reason: `${unavailable.length} Deployment${
        unavailable.length === 1 ? '' : 's'
      } unavailable: ${unavailable
        .slice(0, 3)
        .map(describeWorkload)
        .join('; ')}${also}${note}`,
    };
  }
  if (alerts.length > 0) {
    return { status: 'degraded', reason: `${firing(alerts)}${note}` };
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
