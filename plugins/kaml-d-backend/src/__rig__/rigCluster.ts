import { JsonObject } from '@backstage/types';
import { rigEnv } from './rigEnv';

/**
 * The rig's kube-apiserver as app-config.rig.yaml configures it: one cluster `rig` of the
 * Kubernetes plugin (portal ServiceAccount token and CA), named by kamlD.workloadCluster.
 */
export function rigClusterConfig(kamlD: JsonObject = {}): JsonObject {
  return {
    kubernetes: {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'rig',
              url: rigEnv('KAML_RIG_KUBE_URL'),
              authProvider: 'serviceAccount',
              serviceAccountToken: rigEnv('KAML_RIG_KUBE_PORTAL_TOKEN'),
              caFile: rigEnv('KAML_RIG_KUBE_CA'),
            },
          ],
        },
      ],
    },
    kamlD: { workloadCluster: 'rig', ...kamlD },
  };
}
