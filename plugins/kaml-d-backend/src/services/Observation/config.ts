import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  readDatasetBindingPolicy,
  readKamlDObservedClusters,
} from '@kaml-d/plugin-kaml-d-node';
import { PANEL_PRESETS } from './promql';
import { readTelemetryConfig } from '../Telemetry/config';
import { ObservationConfig } from './types';

/** Defaults of `kamlD.observation`. */
export const OBSERVATION_DEFAULTS = {
  cacheSeconds: 30,
  timeoutMs: 10_000,
  eventMaxAgeMinutes: 60,
};

/**
 * Reads `kamlD.observation` and the clusters to observe (`kamlD.clusters`, `kamlD.workloadCluster`
 * and the deprecated `kamlD.observation.kubernetes.clusters`, whose warning goes to `logger`);
 * fails at start with a sentence naming the key to fix.
 */
export function readObservationConfig(
  root: Config,
  logger?: LoggerService,
): ObservationConfig {
  const config = root.getOptionalConfig('kamlD.observation');
  const clusters = readKamlDObservedClusters(root, { logger });
  const prometheus = (config?.getOptionalConfigArray('prometheus') ?? []).map(
    p => ({
      name: p.getString('name'),
      url: p.getString('url').replace(/\/+$/, ''),
    }),
  );
  for (const [what, names] of [
    ['kamlD.observation.kubernetes.clusters', clusters.map(c => c.name)],
    ['kamlD.observation.prometheus', prometheus.map(p => p.name)],
  ] as const) {
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) {
      throw new Error(
        `${what} names "${duplicate}" twice; give every entry its own name`,
      );
    }
  }
  const queriesConfig = config?.getOptionalConfig('queries');
  const queries: Record<string, string> = {};
  if (queriesConfig) {
    for (const key of queriesConfig.keys()) {
      if (!PANEL_PRESETS[key]) {
        throw new Error(
          `kamlD.observation.queries.${key} is not a panel; use one of ${Object.keys(
            PANEL_PRESETS,
          ).join(', ')}`,
        );
      }
      queries[key] = queriesConfig.getString(key);
    }
  }
  return {
    clusters,
    inCluster: config?.getOptionalBoolean('kubernetes.inCluster') ?? true,
    customResources: (
      config?.getOptionalConfigArray('kubernetes.customResources') ?? []
    ).map(c => ({
      group: c.getString('group'),
      version: c.getString('version'),
      plural: c.getString('plural'),
    })),
    prometheus,
    queries,
    // the same origins the storage binding rule trusts: an admin vouches for what they say
    trustedOrigins: readDatasetBindingPolicy(root).trustedOrigins,
    links: (config?.getOptionalConfigArray('links') ?? []).map(l => ({
      title: l.getString('title'),
      url: l.getString('url'),
    })),
    telemetry: readTelemetryConfig(root),
    cacheSeconds:
      config?.getOptionalNumber('cacheSeconds') ??
      OBSERVATION_DEFAULTS.cacheSeconds,
    timeoutMs:
      config?.getOptionalNumber('timeoutMs') ?? OBSERVATION_DEFAULTS.timeoutMs,
    eventMaxAgeMinutes:
      config?.getOptionalNumber('eventMaxAgeMinutes') ??
      OBSERVATION_DEFAULTS.eventMaxAgeMinutes,
  };
}
