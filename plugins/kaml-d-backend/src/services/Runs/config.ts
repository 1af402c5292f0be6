import { Config } from '@backstage/config';
import {
  KamlDClusterAccessEnvironment,
  readKamlDClusterAccess,
} from '@kaml-d/plugin-kaml-d-node';
import { RunsClusterConfig } from './types';

/**
 * Reads `kamlD.kubernetes` (the block the scaffolder actions use, so the tabs read where the
 * actions write: url + token, a kubeconfig file, the pod's service account or a cluster of the
 * Kubernetes plugin); undefined when absent, and the Runs route then answers that it is not set.
 */
export function readRunsConfig(
  root: Config,
  environment?: KamlDClusterAccessEnvironment,
): RunsClusterConfig | undefined {
  return readKamlDClusterAccess(root, environment);
}
