// Which clusters KAML-D uses. The clusters themselves are those Backstage's Kubernetes plugin
// knows (`kubernetes.clusterLocatorMethods`, type `config`); KAML-D adds options keyed by their
// names (`kamlD.clusters.<name>`) and names the one it runs workloads on (`kamlD.workloadCluster`).
// See docs/kubernetes-clusters.md.
import { homedir } from 'node:os';
import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import { SERVICE_ACCOUNT_DIR } from './kubeConfig';
import {
  DEFAULT_CLUSTER_OPTIONS,
  pluginClusterKubeConfig,
  readKamlDClusterOptions,
} from './pluginClusters';
import {
  readLegacyClusterAccess,
  readLegacyObservedClusters,
} from './legacyClusterAccess';

/**
 * How KAML-D reaches its workload cluster:
 * - `cluster`: a cluster configured for the Kubernetes plugin
 *   (`kubernetes.clusterLocatorMethods[type=config].clusters[]`), named by `kamlD.workloadCluster`;
 * - deprecated, from `kamlD.kubernetes`: `token` (`url` + `token`), `kubeconfig` (a kubeconfig
 *   file), `inCluster` (the pod's service account).
 *
 * @public
 */
export type KamlDClusterSource =
  | 'token'
  | 'kubeconfig'
  | 'inCluster'
  | 'cluster';

/**
 * A ready client configuration for the cluster KAML-D trains and deploys on.
 *
 * @public
 */
export interface KamlDClusterAccess {
  source: KamlDClusterSource;
  /** Names the setting used, for error messages ("kubeconfig file /x, context y"). */
  description: string;
  /** The API server URL. */
  server: string;
  kubeConfig: KubeConfig;
  trainingNamespace: string;
  modelsNamespace: string;
}

/**
 * A cluster the Observation Hub reads, with its client configuration.
 *
 * @public
 */
export interface KamlDObservedCluster {
  /** The cluster's name, shown beside what was read from it. */
  name: string;
  /** The API server URL. */
  server: string;
  kubeConfig: KubeConfig;
}

/**
 * Where the environment-dependent modes look (tests point these at temporary files), and where
 * deprecation warnings go.
 *
 * @public
 */
export interface KamlDClusterAccessEnvironment {
  /** Default: process.env. */
  env?: Record<string, string | undefined>;
  /** Default: {@link SERVICE_ACCOUNT_DIR}. */
  serviceAccountDir?: string;
  /** Default: the user's home folder. */
  homeDir?: string;
  /** Receives the warning when a deprecated key is read. Default: none. */
  logger?: { warn(message: string): void };
}

/**
 * The sentence used when no workload cluster is configured.
 *
 * @public
 */
export const CLUSTER_NOT_CONFIGURED_MESSAGE =
  'KAML-D Kubernetes access is not configured: configure the cluster for the Kubernetes plugin ' +
  '(kubernetes.clusterLocatorMethods, type config, authProvider serviceAccount) and set ' +
  'kamlD.workloadCluster to its name (namespaces in kamlD.clusters.<name>)';

/**
 * The warning logged when `kamlD.kubernetes` is read.
 *
 * @public
 */
export const LEGACY_CLUSTER_ACCESS_WARNING =
  'kamlD.kubernetes is deprecated and will be removed in the next release: configure the cluster ' +
  'in kubernetes.clusterLocatorMethods (type config), name it in kamlD.workloadCluster and move ' +
  'trainingNamespace/modelsNamespace to kamlD.clusters.<name> (docs/kubernetes-clusters.md)';

/**
 * The warning logged when `kamlD.observation.kubernetes.clusters` is read.
 *
 * @public
 */
export const LEGACY_OBSERVED_CLUSTERS_WARNING =
  'kamlD.observation.kubernetes.clusters is deprecated and will be removed in the next release: ' +
  'configure those clusters in kubernetes.clusterLocatorMethods (type config); the Observation ' +
  'Hub reads every cluster of kamlD.clusters and kamlD.workloadCluster (opt out with ' +
  'kamlD.clusters.<name>.observe: false) (docs/kubernetes-clusters.md)';

function environmentOf(environment: KamlDClusterAccessEnvironment) {
  return {
    env: environment.env ?? process.env,
    serviceAccountDir: environment.serviceAccountDir ?? SERVICE_ACCOUNT_DIR,
    homeDir: environment.homeDir ?? homedir(),
  };
}

/**
 * The workload cluster: where the scaffolder actions create training Jobs and model Deployments,
 * the Runs and Deployments tabs read, and PersistentVolumeClaim datasets are snapshotted. It is
 * the Kubernetes plugin's cluster named by `kamlD.workloadCluster`, with the namespaces of
 * `kamlD.clusters.<name>`; else the deprecated `kamlD.kubernetes` (with a warning to
 * `environment.logger`); undefined when neither is set. A broken setting throws an error that
 * names the key to change.
 *
 * @public
 */
export function readKamlDClusterAccess(
  root: Config,
  environment: KamlDClusterAccessEnvironment = {},
): KamlDClusterAccess | undefined {
  const env = environmentOf(environment);
  const name = root.getOptionalString('kamlD.workloadCluster');
  const options = readKamlDClusterOptions(root);
  if (root.has('kamlD.kubernetes')) {
    if (name) {
      throw new Error(
        `kamlD.workloadCluster and the deprecated kamlD.kubernetes are both set; remove kamlD.kubernetes (kamlD.workloadCluster "${name}" replaces it)`,
      );
    }
    environment.logger?.warn(LEGACY_CLUSTER_ACCESS_WARNING);
    return readLegacyClusterAccess(root, env, CLUSTER_NOT_CONFIGURED_MESSAGE);
  }
  if (!name) return undefined;
  const { kubeConfig, server } = pluginClusterKubeConfig(
    root,
    name,
    'kamlD.workloadCluster',
    env.serviceAccountDir,
  );
  const { trainingNamespace, modelsNamespace } =
    options.get(name) ?? DEFAULT_CLUSTER_OPTIONS;
  return {
    source: 'cluster',
    description: `Kubernetes plugin cluster "${name}"`,
    server,
    kubeConfig,
    trainingNamespace,
    modelsNamespace,
  };
}

/**
 * The clusters the Observation Hub reads: every cluster of `kamlD.clusters` and the workload
 * cluster, except those with `observe: false`, then the deprecated
 * `kamlD.observation.kubernetes.clusters` (with a warning to `environment.logger`). A name given
 * twice is refused.
 *
 * @public
 */
export function readKamlDObservedClusters(
  root: Config,
  environment: KamlDClusterAccessEnvironment = {},
): KamlDObservedCluster[] {
  const env = environmentOf(environment);
  const options = readKamlDClusterOptions(root);
  const names = [...options.keys()];
  const workload = root.getOptionalString('kamlD.workloadCluster');
  if (workload && !names.includes(workload)) names.push(workload);
  const clusters: KamlDObservedCluster[] = names
    .filter(name => (options.get(name) ?? DEFAULT_CLUSTER_OPTIONS).observe)
    .map(name => ({
      name,
      ...pluginClusterKubeConfig(
        root,
        name,
        options.has(name) ? 'kamlD.clusters' : 'kamlD.workloadCluster',
        env.serviceAccountDir,
      ),
    }));
  if (root.has('kamlD.observation.kubernetes.clusters')) {
    environment.logger?.warn(LEGACY_OBSERVED_CLUSTERS_WARNING);
    const fromPlugin = new Set(clusters.map(c => c.name));
    for (const legacy of readLegacyObservedClusters(root)) {
      if (fromPlugin.has(legacy.name)) {
        throw new Error(
          `kamlD.observation.kubernetes.clusters names "${legacy.name}", which kamlD.clusters or kamlD.workloadCluster already reads; remove the deprecated entry`,
        );
      }
      if (clusters.some(c => c.name === legacy.name)) {
        throw new Error(
          `kamlD.observation.kubernetes.clusters names "${legacy.name}" twice; give every entry its own name`,
        );
      }
      clusters.push(legacy);
    }
  }
  return clusters;
}
