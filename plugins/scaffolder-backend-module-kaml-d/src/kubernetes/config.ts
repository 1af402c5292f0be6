import { Config } from '@backstage/config';
import {
  CLUSTER_NOT_CONFIGURED_MESSAGE,
  KamlDClusterAccess,
  KamlDClusterAccessEnvironment,
  readKamlDClusterAccess,
} from '@kaml-d/plugin-kaml-d-node';

export {
  DEFAULT_MODELS_NAMESPACE,
  DEFAULT_TRAINING_NAMESPACE,
} from '@kaml-d/plugin-kaml-d-node';

/**
 * The workload cluster's settings: the Kubernetes plugin's cluster named by `kamlD.workloadCluster`
 * (or the deprecated `kamlD.kubernetes`).
 *
 * @public
 */
export type KamlDKubernetesSettings = KamlDClusterAccess;

/** The sentence every action throws when no workload cluster is configured. */
export const NOT_CONFIGURED_MESSAGE = `${CLUSTER_NOT_CONFIGURED_MESSAGE}, so the kaml-d:training and kaml-d:model actions can reach a cluster`;

/**
 * Reads the workload cluster (`kamlD.workloadCluster`, else the deprecated `kamlD.kubernetes`
 * with a warning to `environment.logger`); undefined when neither is set (the actions then fail
 * with a sentence that says what to configure). A broken setting throws at startup.
 *
 * @public
 */
export function readKamlDKubernetesSettings(
  root: Config,
  environment?: KamlDClusterAccessEnvironment,
): KamlDKubernetesSettings | undefined {
  return readKamlDClusterAccess(root, environment);
}
