export { createHealthService, DEFAULT_PROBE_TIMEOUT_MS } from './createHealthService';
export type { DependencyProbe, HealthService } from './types';
