import {
  ObservationTelemetryLinks,
  ObservationWorkload,
} from '@kaml-d/plugin-kaml-d-common';
import { telemetryConfigured, telemetryLinks } from './links';
import { TelemetryConfig, TimeWindow } from './types';

/** Annotation naming the service (OpenTelemetry `service.name`) an entity's traces carry. */
export const ANNOTATION_TRACE_SERVICE = 'kaml-d.io/trace-service';

/**
 * Logs and Traces links of an entity's workloads and of the entity as a whole, over a window:
 * a pod links its own logs; a Deployment, Job or custom resource the pods named after it
 * (`<name>-…`); the entity every pod found, or, with none found, pods named after its kubernetes
 * id. Workloads are returned unchanged when no tool is configured.
 */
export function entityTelemetry(
  config: TelemetryConfig | undefined,
  options: {
    namespace: string;
    id: string;
    service: string;
    workloads: ObservationWorkload[];
    window: TimeWindow;
  },
): {
  workloads: ObservationWorkload[];
  telemetry?: ObservationTelemetryLinks;
  configured: { logs: boolean; traces: boolean };
} {
  const configured = config
    ? telemetryConfigured(config)
    : { logs: false, traces: false };
  if (!config || (!configured.logs && !configured.traces)) {
    return { workloads: options.workloads, configured };
  }
  const { window, service } = options;
  const workloads = options.workloads.map(w => ({
    ...w,
    telemetry: telemetryLinks(config, {
      namespace: w.namespace || options.namespace,
      ...(w.kind === 'Pod'
        ? { pods: [w.name] }
        : { podPrefixes: [`${w.name}-`] }),
      service,
      window,
    }),
  }));
  const pods = options.workloads
    .filter(w => w.kind === 'Pod' && w.namespace === options.namespace)
    .map(w => w.name);
  const telemetry = telemetryLinks(config, {
    namespace: options.namespace,
    ...(pods.length ? { pods } : { podPrefixes: [`${options.id}-`] }),
    service,
    window,
  });
  return { workloads, telemetry, configured };
}
