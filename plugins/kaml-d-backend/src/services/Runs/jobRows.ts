import { V1Job, V1Pod } from '@kubernetes/client-node';
import { TrainingRun } from './types';

// One Kubernetes Job and its pods as a run of the Runs tab (shared by the Job rows and the
// TrainJob rows, which are built over the Job a TrainJob's JobSet runs).

function iso(value: Date | string | undefined): string | undefined {
  return value ? new Date(value).toISOString() : undefined;
}

/** A custom resource's RFC 3339 time as the Date the Job-typed fields hold. */
export function dateOf(value: string | Date | undefined): Date | undefined {
  return value ? new Date(value) : undefined;
}

/** Sums `nvidia.com/gpu` over a pod template's containers (limits, else requests). */
function gpusOf(job: V1Job): number {
  return (job.spec?.template.spec?.containers ?? []).reduce((sum, c) => {
    const raw =
      c.resources?.limits?.['nvidia.com/gpu'] ??
      c.resources?.requests?.['nvidia.com/gpu'];
    const n = Number(raw ?? 0);
    return sum + (Number.isFinite(n) ? n : 0);
  }, 0);
}

function statusOf(job: V1Job, pods: V1Pod[]): TrainingRun['status'] {
  const conditions = job.status?.conditions ?? [];
  const is = (type: string) =>
    conditions.some(c => c.type === type && c.status === 'True');
  if (is('Failed')) return 'Failed';
  if (is('Complete') || is('SuccessCriteriaMet')) return 'Succeeded';
  if (
    (job.status?.active ?? 0) > 0 ||
    pods.some(p => p.status?.phase === 'Running')
  ) {
    return 'Running';
  }
  return 'Pending';
}

/** A Job and its pods as one row of the Runs tab. */
export function toRun(job: V1Job, pods: V1Pod[], now: number): TrainingRun {
  const start = iso(job.status?.startTime);
  const end =
    iso(job.status?.completionTime) ??
    iso(
      job.status?.conditions?.find(
        c => c.type === 'Failed' && c.status === 'True',
      )?.lastTransitionTime,
    );
  const status = statusOf(job, pods);
  let durationSeconds: number | undefined;
  if (start) {
    let until: number | undefined;
    if (end) until = Date.parse(end);
    else if (status === 'Running' || status === 'Pending') until = now;
    if (until !== undefined) {
      durationSeconds = Math.max(
        0,
        Math.round((until - Date.parse(start)) / 1000),
      );
    }
  }
  return {
    kind: 'Job',
    name: job.metadata?.name ?? '',
    namespace: job.metadata?.namespace ?? '',
    status,
    startTime: start,
    completionTime: end,
    durationSeconds,
    gpus: gpusOf(job),
    image: job.spec?.template.spec?.containers?.[0]?.image,
    pods: pods
      .map(p => {
        const statuses = p.status?.containerStatuses ?? [];
        return {
          name: p.metadata?.name ?? '',
          phase: p.status?.phase ?? 'Unknown',
          containers: (p.spec?.containers ?? []).map(c => c.name),
          restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
          hasPrevious: statuses.some(s => Boolean(s.lastState?.terminated)),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** A Deployment as one row of the Deployments tab; the endpoint is its Service's cluster DNS name. */
