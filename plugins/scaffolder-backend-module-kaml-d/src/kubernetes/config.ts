import { Config } from '@backstage/config';
import {
  CLUSTER_NOT_CONFIGURED_MESSAGE,
  DEFAULT_MODELS_NAMESPACE,
  DEFAULT_TRAINING_NAMESPACE,
  KamlDClusterAccess,
  KamlDClusterAccessEnvironment,
  readKamlDClusterAccess,
} from '@kaml-d/plugin-kaml-d-node';

export { DEFAULT_MODELS_NAMESPACE, DEFAULT_TRAINING_NAMESPACE };

/**
 * The cluster settings read from `kamlD.kubernetes` (token, kubeconfig, in-cluster or a named cluster).
 *
 * @public
 */
export type KamlDKubernetesSettings = KamlDClusterAccess;

/** The sentence every action throws when `kamlD.kubernetes` is missing. */
export const NOT_CONFIGURED_MESSAGE = `${CLUSTER_NOT_CONFIGURED_MESSAGE}, so the kaml-d:training and kaml-d:model actions can reach a cluster`;

/**
 * Reads `kamlD.kubernetes`; undefined when the block is absent (the actions then fail with
 * a sentence that says how to set `kamlD.kubernetes`). A present but broken block throws at
 * startup.
 *
 * @public
 */
export function readKamlDKubernetesSettings(
  root: Config,
  environment?: KamlDClusterAccessEnvironment,
): KamlDKubernetesSettings | undefined {
  return readKamlDClusterAccess(root, environment);
}
