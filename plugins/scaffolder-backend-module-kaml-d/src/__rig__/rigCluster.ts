import { ConfigReader } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeClient } from '../kubernetes/client';
import {
  KamlDKubernetesSettings,
  readKamlDKubernetesSettings,
} from '../kubernetes/config';
import { KubeTarget } from '../kubernetes/target';
import { rigEnv } from './rigEnv';

/**
 * The portal's settings for the rig cluster, as app-config.rig.yaml has them: the Kubernetes
 * plugin's cluster `rig` (url, portal token, CA file), named by kamlD.workloadCluster.
 */
export function rigSettings(): KamlDKubernetesSettings {
  return readKamlDKubernetesSettings(
    new ConfigReader({
      kamlD: { workloadCluster: 'rig' },
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
    }),
  )!;
}

/** A fresh target of the actions on the rig cluster (API discovery is cached per client). */
export function rigTarget(
  settings: KamlDKubernetesSettings = rigSettings(),
): KubeTarget {
  return {
    client: createKubeClient(settings),
    trainingNamespace: settings.trainingNamespace,
    modelsNamespace: settings.modelsNamespace,
  };
}

/** A client configuration from one of the rig's kubeconfig files (admin or portal). */
export function rigKubeConfig(which: 'admin' | 'portal'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(
    rigEnv(
      which === 'admin'
        ? 'KAML_RIG_KUBECONFIG_ADMIN'
        : 'KAML_RIG_KUBECONFIG_PORTAL',
    ),
  );
  return kc;
}
