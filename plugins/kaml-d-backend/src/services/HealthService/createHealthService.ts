import { HealthResponse } from '@kaml-d/plugin-kaml-d-common';
import { DependencyProbe, HealthService, DependencyHealth } from './types';

/** How long one dependency may take to answer before it is reported as down. */
export const DEFAULT_PROBE_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Creates the service behind `GET /health`: one probe per dependency, run in parallel, a
 * failing dependency reported with its reason instead of failing the whole answer.
 */
export function createHealthService(options: {
  version: string;
  probes: DependencyProbe[];
  timeoutMs?: number;
}): HealthService {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  return {
    async check(): Promise<HealthResponse> {
      const dependencies = await Promise.all(
        options.probes.map(async (probe): Promise<DependencyHealth> => {
          try {
            await withTimeout(probe.check(), timeoutMs, probe.name);
            return { name: probe.name, kind: probe.kind, status: 'up' };
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            return { name: probe.name, kind: probe.kind, status: 'down', message };
          }
        }),
      );
      return {
        status: dependencies.every(d => d.status === 'up') ? 'ok' : 'degraded',
        version: options.version,
        dependencies,
      };
    },
  };
}
