export { readTelemetryConfig, DEFAULT_LOG_FIELDS } from './config';
export { telemetryLinks, telemetryConfigured } from './links';
export { createPastLogSource } from './pastLogs';
export type { PastLogSource, PastLogLine, PastLogQuery } from './pastLogs';
export type { TelemetryConfig, TelemetryTarget, TimeWindow } from './types';
export { entityTelemetry, ANNOTATION_TRACE_SERVICE } from './entityLinks';
