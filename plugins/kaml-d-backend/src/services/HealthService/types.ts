import { DependencyHealth, HealthResponse } from '@kaml-d/plugin-kaml-d-common';

/**
 * Checks one dependency of the backend. Never throws: a failure is reported as `down`.
 *
 * @public
 */
export interface DependencyProbe {
  name: string;
  kind?: string;
  check(): Promise<void>;
}

/** @public */
export interface HealthService {
  /** Probes every registered dependency in parallel, each with a time limit. */
  check(): Promise<HealthResponse>;
}

export type { DependencyHealth };
