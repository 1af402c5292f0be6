import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import { isDnsLabel } from '@kaml-d/plugin-kaml-d-common';
import { buildKamlDKubeConfig, podServiceAccountFiles } from './kubeConfig';

/**
 * Default namespace of training Jobs.
 *
 * @public
 */
export const DEFAULT_TRAINING_NAMESPACE = 'kaml-d-training';
/**
 * Default namespace of model Deployments, Services and InferenceServices.
 *
 * @public
 */
export const DEFAULT_MODELS_NAMESPACE = 'kaml-d-models';

/** The key of the cluster list of Backstage's Kubernetes plugin that KAML-D reads. */
export const PLUGIN_CLUSTERS_KEY =
  'kubernetes.clusterLocatorMethods[type=config].clusters';

/** The clusters of `kubernetes.clusterLocatorMethods` entries of type `config`, in order. */
export function pluginClusters(root: Config): Config[] {
  return (root.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [])
    .filter(m => m.getString('type') === 'config')
    .flatMap(m => m.getOptionalConfigArray('clusters') ?? []);
}

/**
 * A client configuration for the cluster `name` of the Kubernetes plugin: its `url`, its
 * `serviceAccountToken` (without one, the pod's mounted service account token, as the Kubernetes
 * plugin does), `caFile` or `caData`, `skipTLSVerify`. `what` is the KAML-D key that named the
 * cluster, for errors.
 */
export function pluginClusterKubeConfig(
  root: Config,
  name: string,
  what: string,
  serviceAccountDir: string,
): { kubeConfig: KubeConfig; server: string } {
  const clusters = pluginClusters(root);
  const cluster = clusters.find(c => c.getString('name') === name);
  if (!cluster) {
    throw new Error(
      `${what} "${name}" is not among the clusters configured for the Kubernetes plugin (kubernetes.clusterLocatorMethods, type config): ${
        clusters.map(c => c.getString('name')).join(', ') || 'none'
      }`,
    );
  }
  const where = `kubernetes cluster "${name}"`;
  const authProvider =
    cluster.getOptionalString('authProvider') ?? 'serviceAccount';
  if (authProvider !== 'serviceAccount') {
    throw new Error(
      `${what} "${name}" uses authProvider ${authProvider}; KAML-D acts with the portal's own ServiceAccount, so that cluster needs authProvider: serviceAccount (with serviceAccountToken, or in a pod its mounted token)`,
    );
  }
  const token = cluster.getOptionalString('serviceAccountToken');
  const tokenFile = token
    ? undefined
    : podServiceAccountFiles(
        `${where} has no serviceAccountToken, so KAML-D uses the pod's service account token,`,
        serviceAccountDir,
        false,
      ).tokenFile;
  const url = cluster.getString('url');
  const kubeConfig = buildKamlDKubeConfig({
    name,
    url,
    token,
    tokenFile,
    caFile: cluster.getOptionalString('caFile'),
    caData: cluster.getOptionalString('caData'),
    skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
    where,
  });
  return { kubeConfig, server: url };
}

/**
 * KAML-D's options of one cluster (`kamlD.clusters.<name>`).
 *
 * @public
 */
export interface KamlDClusterOptions {
  /** Namespace of training Jobs. */
  trainingNamespace: string;
  /** Namespace of model Deployments, Services and InferenceServices. */
  modelsNamespace: string;
  /** Whether the Observation Hub (Health tab, SRE page) reads the cluster. */
  observe: boolean;
}

/** Reads a namespace option; the error names the key. */
export function namespaceOption(
  config: Config | undefined,
  where: string,
  key: string,
  fallback: string,
): string {
  const value = config?.getOptionalString(key) ?? fallback;
  if (!isDnsLabel(value)) {
    throw new Error(
      `${where}.${key} "${value}" is not a valid namespace name (lower-case letters, digits and '-', at most 63)`,
    );
  }
  return value;
}

/**
 * `kamlD.clusters`, by cluster name, with the defaults filled in. Every name must be a cluster of
 * the Kubernetes plugin: a misspelt one fails at start rather than being ignored.
 *
 * @public
 */
export function readKamlDClusterOptions(
  root: Config,
): Map<string, KamlDClusterOptions> {
  const block = root.getOptionalConfig('kamlD.clusters');
  const known = pluginClusters(root).map(c => c.getString('name'));
  const options = new Map<string, KamlDClusterOptions>();
  for (const name of block?.keys() ?? []) {
    const where = `kamlD.clusters.${name}`;
    if (!known.includes(name)) {
      throw new Error(
        `${where}: "${name}" is not among the clusters configured for the Kubernetes plugin (kubernetes.clusterLocatorMethods, type config): ${
          known.join(', ') || 'none'
        }; KAML-D options are keyed by those names`,
      );
    }
    const config = block!.getConfig(name);
    options.set(name, {
      trainingNamespace: namespaceOption(
        config,
        where,
        'trainingNamespace',
        DEFAULT_TRAINING_NAMESPACE,
      ),
      modelsNamespace: namespaceOption(
        config,
        where,
        'modelsNamespace',
        DEFAULT_MODELS_NAMESPACE,
      ),
      observe: config.getOptionalBoolean('observe') ?? true,
    });
  }
  return options;
}

/** The options of a cluster without a `kamlD.clusters` entry. */
export const DEFAULT_CLUSTER_OPTIONS: KamlDClusterOptions = {
  trainingNamespace: DEFAULT_TRAINING_NAMESPACE,
  modelsNamespace: DEFAULT_MODELS_NAMESPACE,
  observe: true,
};
