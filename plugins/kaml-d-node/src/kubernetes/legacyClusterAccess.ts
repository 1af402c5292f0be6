// The cluster settings of the release before `kamlD.workloadCluster`: `kamlD.kubernetes` (four
// ways of reaching the cluster) and `kamlD.observation.kubernetes.clusters`. They keep working
// for one release, with a deprecation warning (clusterAccess.ts); remove this file after it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import { buildKamlDKubeConfig, buildKamlDPodKubeConfig } from './kubeConfig';
import {
  DEFAULT_MODELS_NAMESPACE,
  DEFAULT_TRAINING_NAMESPACE,
  namespaceOption,
  pluginClusterKubeConfig,
} from './pluginClusters';
import type {
  KamlDClusterAccess,
  KamlDClusterSource,
  KamlDObservedCluster,
} from './clusterAccess';

const LEGACY = 'kamlD.kubernetes';

function fromKubeconfig(
  config: Config,
  env: Record<string, string | undefined>,
  homeDir: string,
): { kc: KubeConfig; description: string } {
  // `kubeconfig: true`, `kubeconfig: /path/file` or `kubeconfig: { path, context }`
  const raw = config.getOptional('kubeconfig');
  const settings =
    typeof raw === 'object' && raw !== null
      ? config.getConfig('kubeconfig')
      : undefined;
  if (raw === false) {
    throw new Error(
      `${LEGACY}.kubeconfig is false; remove it or set it to true, a file path or { path, context }`,
    );
  }
  const path =
    (typeof raw === 'string' ? raw : settings?.getOptionalString('path')) ??
    env.KUBECONFIG?.split(':').find(p => p.length > 0) ??
    join(homeDir, '.kube', 'config');
  if (!existsSync(path)) {
    throw new Error(
      `${LEGACY}.kubeconfig: the kubeconfig file ${path} does not exist; set ${LEGACY}.kubeconfig.path (or KUBECONFIG) to the file`,
    );
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (e) {
    throw new Error(
      `${LEGACY}.kubeconfig: ${path} is not a valid kubeconfig file: ${
        (e as Error).message
      }`,
    );
  }
  const context = settings?.getOptionalString('context');
  if (context) {
    const names = kc.getContexts().map(c => c.name);
    if (!names.includes(context)) {
      throw new Error(
        `${LEGACY}.kubeconfig.context "${context}" is not in ${path}; its contexts are: ${
          names.join(', ') || 'none'
        }`,
      );
    }
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) {
    throw new Error(
      `${LEGACY}.kubeconfig: ${path} has no current context with a cluster; set ${LEGACY}.kubeconfig.context`,
    );
  }
  return {
    kc,
    description: `kubeconfig file ${path}, context ${kc.getCurrentContext()}`,
  };
}

/**
 * Reads the deprecated `kamlD.kubernetes` block (present, the caller checked) into a client
 * configuration, exactly as the release before did.
 */
export function readLegacyClusterAccess(
  root: Config,
  environment: {
    env: Record<string, string | undefined>;
    serviceAccountDir: string;
    homeDir: string;
  },
  notConfigured: string,
): KamlDClusterAccess {
  const config = root.getConfig(LEGACY);
  const modes: KamlDClusterSource[] = [];
  if (config.has('url') || config.has('token')) modes.push('token');
  if (config.has('kubeconfig')) modes.push('kubeconfig');
  if (config.getOptionalBoolean('inCluster')) modes.push('inCluster');
  if (config.has('cluster')) modes.push('cluster');
  if (modes.length !== 1) {
    throw new Error(
      modes.length === 0
        ? notConfigured
        : `${LEGACY} sets ${modes
            .map(m => (m === 'token' ? 'url + token' : m))
            .join(' and ')}; keep exactly one way of reaching the cluster`,
    );
  }
  const namespaces = {
    trainingNamespace: namespaceOption(
      config,
      LEGACY,
      'trainingNamespace',
      DEFAULT_TRAINING_NAMESPACE,
    ),
    modelsNamespace: namespaceOption(
      config,
      LEGACY,
      'modelsNamespace',
      DEFAULT_MODELS_NAMESPACE,
    ),
  };
  const source = modes[0];
  let kc: KubeConfig;
  let description: string;
  switch (source) {
    case 'token': {
      const url = config.getOptionalString('url');
      const token = config.getOptionalString('token');
      if (!url || !token) {
        throw new Error(
          `${LEGACY}: set both url and token (${
            url ? 'token' : 'url'
          } is missing)`,
        );
      }
      kc = buildKamlDKubeConfig({
        name: 'kaml-d',
        url,
        token,
        caFile: config.getOptionalString('caFile'),
        caData: config.getOptionalString('caData'),
        skipTLSVerify: config.getOptionalBoolean('skipTLSVerify') ?? false,
        where: LEGACY,
      });
      description = `API server ${url}`;
      break;
    }
    case 'kubeconfig': {
      const loaded = fromKubeconfig(
        config,
        environment.env,
        environment.homeDir,
      );
      kc = loaded.kc;
      description = loaded.description;
      break;
    }
    case 'inCluster':
      kc = buildKamlDPodKubeConfig(`${LEGACY}.inCluster is true`, environment);
      description = "the pod's service account";
      break;
    default: {
      const name = config.getString('cluster');
      kc = pluginClusterKubeConfig(
        root,
        name,
        `${LEGACY}.cluster`,
        environment.serviceAccountDir,
      ).kubeConfig;
      description = `Kubernetes plugin cluster "${name}"`;
    }
  }
  return {
    source,
    description,
    server: kc.getCurrentCluster()!.server,
    kubeConfig: kc,
    ...namespaces,
  };
}

/** The deprecated `kamlD.observation.kubernetes.clusters` list, each with its client configuration. */
export function readLegacyObservedClusters(
  root: Config,
): KamlDObservedCluster[] {
  const list =
    root.getOptionalConfigArray('kamlD.observation.kubernetes.clusters') ?? [];
  return list.map((c, i) => {
    const name = c.getString('name');
    const url = c.getString('url');
    return {
      name,
      server: url,
      kubeConfig: buildKamlDKubeConfig({
        name,
        url,
        token: c.getOptionalString('token'),
        caFile: c.getOptionalString('caFile'),
        caData: c.getOptionalString('caData'),
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
        where: `kamlD.observation.kubernetes.clusters[${i}]`,
      }),
    };
  });
}
