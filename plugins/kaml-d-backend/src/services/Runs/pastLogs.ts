import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { telemetryConfigured, telemetryLinks } from '../Telemetry/links';
import { PastLogLine, PastLogSource } from '../Telemetry/pastLogs';
import { TelemetryConfig, TimeWindow } from '../Telemetry/types';
import { ModelRunsResponse, TrainingRun } from './types';

/** The sentence of a past-log search that no store answers. */
export const PAST_LOGS_NOT_CONFIGURED =
  'Past logs need a log store: set kamlD.observation.logs.loki.url (Loki) or kamlD.observation.logs.elasticsearch (url, index) in app-config.yaml';

/** Margin around a run's start and completion, so the first and last lines are inside. */
const RUN_WINDOW_MARGIN_MS = 5 * 60_000;
/** The window of a serving Deployment's Logs and Traces links. */
const DEPLOYMENT_WINDOW_MS = 3_600_000;
/** The window searched for a pod that no current run lists. */
export const PAST_LOGS_DEFAULT_DAYS = 7;
/** Shortest model-name prefix a run name may carry (launch trims long names to fit 63 characters). */
const SHORTEST_TRIMMED_NAME = 16;

/** The time window of a run: start to completion (or now), with a margin on both sides. */
export function runWindow(run: TrainingRun, now: number): TimeWindow {
  const start = run.startTime ? Date.parse(run.startTime) : now - 3_600_000;
  const end = run.completionTime ? Date.parse(run.completionTime) : now;
  return {
    startMs: start - RUN_WINDOW_MARGIN_MS,
    endMs: Math.min(end + RUN_WINDOW_MARGIN_MS, Math.max(now, end)),
  };
}

/**
 * The Logs and Traces links of each run (its pods, or pods named after it, over its window) and
 * of each serving Deployment (pods named after it, over the last hour).
 */
export function withRunTelemetry(
  answer: ModelRunsResponse,
  config: TelemetryConfig | undefined,
  options: { service: string; pastLogs?: PastLogSource['kind']; now: number },
): ModelRunsResponse {
  const configured = config
    ? telemetryConfigured(config)
    : { logs: false, traces: false };
  const out: ModelRunsResponse = options.pastLogs
    ? { ...answer, pastLogs: options.pastLogs }
    : { ...answer };
  if (!config || (!configured.logs && !configured.traces)) return out;
  out.runs = answer.runs.map(run => ({
    ...run,
    telemetry: telemetryLinks(config, {
      namespace: run.namespace,
      ...(run.pods.length
        ? { pods: run.pods.map(p => p.name) }
        : { podPrefixes: [`${run.name}-`] }),
      service: options.service,
      window: runWindow(run, options.now),
    }),
  }));
  // a serving Deployment's pods are named after it; an InferenceService's after its predictor
  out.deployments = answer.deployments.map(d => ({
    ...d,
    telemetry: telemetryLinks(config, {
      namespace: d.namespace,
      podPrefixes: [`${d.name}-`],
      service: options.service,
      window: {
        startMs: options.now - DEPLOYMENT_WINDOW_MS,
        endMs: options.now,
      },
    }),
  }));
  return out;
}

/**
 * Whether a pod name is one a training run of the model would give its pods:
 * `train-<model, possibly trimmed>-<10 hex>[-<suffix>]` (the launch action's deterministic name).
 */
export function isRunPodName(model: string, pod: string): boolean {
  for (
    let k = model.length;
    k >= Math.min(model.length, SHORTEST_TRIMMED_NAME);
    k--
  ) {
    const prefix = `train-${model.slice(0, k).replace(/-+$/, '')}-`;
    if (
      pod.startsWith(prefix) &&
      /^[0-9a-f]{10}(-[a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/.test(
        pod.slice(prefix.length),
      )
    ) {
      return true;
    }
  }
  return false;
}

/** Options of a past-log search of one pod of a model's runs. */
export interface RunPastLogOptions {
  pod: string;
  container?: string;
  text?: string;
  limit: number;
  /** ISO bounds; default: the run's window, else the last 7 days. */
  start?: string;
  end?: string;
}

/**
 * Searches the log store for a pod of one of the model's runs, also after the pod (or its Job)
 * is gone: the pod must be listed by a current run, or carry a run's name of this model; the
 * search is always limited to the model's training namespace.
 */
export async function searchRunPastLogs(options: {
  source: PastLogSource;
  model: string;
  namespace: string;
  current: ModelRunsResponse | undefined;
  request: RunPastLogOptions;
  now: number;
}): Promise<{
  pod: string;
  source: PastLogSource['kind'];
  window: { start: string; end: string };
  lines: PastLogLine[];
}> {
  const { request: o, model, now } = options;
  const run = options.current?.runs.find(r =>
    r.pods.some(p => p.name === o.pod),
  );
  if (!run && !isRunPodName(model, o.pod)) {
    throw new NotFoundError(
      `Pod ${o.pod} is neither a pod of a current run of model ${model} nor named like one (train-${model}-<hash>-…)`,
    );
  }
  const fallback = run
    ? runWindow(run, now)
    : { startMs: now - PAST_LOGS_DEFAULT_DAYS * 86_400_000, endMs: now };
  const startMs = o.start ? Date.parse(o.start) : fallback.startMs;
  const endMs = o.end ? Date.parse(o.end) : fallback.endMs;
  if (Number.isNaN(startMs) || Number.isNaN(endMs) || startMs >= endMs) {
    throw new InputError(
      'start and end must be ISO times with start before end, such as 2026-01-31T08:00:00Z',
    );
  }
  // a store that is down or refuses is a 503 naming it; the rest of the backend is unaffected
  const lines = await options.source
    .search({
      namespace: run?.namespace ?? options.namespace,
      pod: o.pod,
      container: o.container,
      text: o.text,
      window: { startMs, endMs },
      limit: o.limit,
    })
    .catch((e: Error) => {
      throw new ServiceUnavailableError(`Past logs unavailable: ${e.message}`);
    });
  return {
    pod: o.pod,
    source: options.source.kind,
    window: {
      start: new Date(startMs).toISOString(),
      end: new Date(endMs).toISOString(),
    },
    lines,
  };
}
