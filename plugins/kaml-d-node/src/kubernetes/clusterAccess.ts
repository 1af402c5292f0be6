import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import { isDnsLabel } from '@kaml-d/plugin-kaml-d-common';

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
/**
 * Where Kubernetes mounts a pod's service account token, CA and namespace.
 *
 * @public
 */
export const SERVICE_ACCOUNT_DIR =
  '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * How KAML-D reaches its cluster (`kamlD.kubernetes`), exactly one of:
 * - `token`: `url` + `token` (+ `caFile` or `caData`), a ServiceAccount token;
 * - `kubeconfig`: a kubeconfig file (`kubeconfig.path`, else `$KUBECONFIG`, else ~/.kube/config)
 *   and optionally one of its contexts;
 * - `inCluster`: the service account of the pod the backend runs in;
 * - `cluster`: a cluster configured for the Kubernetes plugin
 *   (`kubernetes.clusterLocatorMethods[type=config].clusters[]`, `serviceAccount` auth).
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
 * Where the environment-dependent modes look (tests point these at temporary files).
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
}

/**
 * The sentence used when `kamlD.kubernetes` is absent.
 *
 * @public
 */
export const CLUSTER_NOT_CONFIGURED_MESSAGE =
  'KAML-D Kubernetes access is not configured: set kamlD.kubernetes in app-config to one of ' +
  'url + token (+ caFile), kubeconfig (a kubeconfig file), inCluster: true (the pod’s service ' +
  'account) or cluster (the name of a cluster configured for the Kubernetes plugin)';

function namespaceAt(config: Config, key: string, fallback: string): string {
  const value = config.getOptionalString(key) ?? fallback;
  if (!isDnsLabel(value)) {
    throw new Error(
      `kamlD.kubernetes.${key} "${value}" is not a valid namespace name (lower-case letters, digits and '-', at most 63)`,
    );
  }
  return value;
}

function checkUrl(where: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${where} "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(`${where} "${url}" must be an https:// (or http://) URL`);
  }
  return url;
}

/** PEM from a file, or from PEM / base64-of-PEM text; undefined when neither is set. */
function caPem(
  where: string,
  caFile: string | undefined,
  caData: string | undefined,
): string | undefined {
  if (caFile && caData) {
    throw new Error(`${where}: set caFile or caData, not both`);
  }
  if (caFile) {
    try {
      return readFileSync(caFile, 'utf8');
    } catch (e) {
      throw new Error(
        `${where}.caFile ${caFile} cannot be read: ${(e as Error).message}`,
      );
    }
  }
  if (caData && !caData.includes('-----BEGIN')) {
    return Buffer.from(caData, 'base64').toString('utf8');
  }
  return caData;
}

function fromToken(
  where: string,
  url: string,
  token: string,
  pem: string | undefined,
  skipTLSVerify: boolean,
): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'kaml-d',
        server: checkUrl(`${where}.url`, url),
        caData: pem ? Buffer.from(pem).toString('base64') : undefined,
        skipTLSVerify,
      },
    ],
    users: [{ name: 'kaml-d-portal', token }],
    contexts: [{ name: 'kaml-d', cluster: 'kaml-d', user: 'kaml-d-portal' }],
    currentContext: 'kaml-d',
  });
  return kc;
}

function fromKubeconfig(
  config: Config,
  environment: Required<KamlDClusterAccessEnvironment>,
): { kc: KubeConfig; description: string } {
  // `kubeconfig: true`, `kubeconfig: /path/file` or `kubeconfig: { path, context }`
  const raw = config.getOptional('kubeconfig');
  const settings =
    typeof raw === 'object' && raw !== null
      ? config.getConfig('kubeconfig')
      : undefined;
  if (raw === false) {
    throw new Error(
      'kamlD.kubernetes.kubeconfig is false; remove it or set it to true, a file path or { path, context }',
    );
  }
  const path =
    (typeof raw === 'string' ? raw : settings?.getOptionalString('path')) ??
    environment.env.KUBECONFIG?.split(':').find(p => p.length > 0) ??
    join(environment.homeDir, '.kube', 'config');
  if (!existsSync(path)) {
    throw new Error(
      `kamlD.kubernetes.kubeconfig: the kubeconfig file ${path} does not exist; set kamlD.kubernetes.kubeconfig.path (or KUBECONFIG) to the file`,
    );
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (e) {
    throw new Error(
      `kamlD.kubernetes.kubeconfig: ${path} is not a valid kubeconfig file: ${
        (e as Error).message
      }`,
    );
  }
  const context = settings?.getOptionalString('context');
  if (context) {
    const names = kc.getContexts().map(c => c.name);
    if (!names.includes(context)) {
      throw new Error(
        `kamlD.kubernetes.kubeconfig.context "${context}" is not in ${path}; its contexts are: ${
          names.join(', ') || 'none'
        }`,
      );
    }
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) {
    throw new Error(
      `kamlD.kubernetes.kubeconfig: ${path} has no current context with a cluster; set kamlD.kubernetes.kubeconfig.context`,
    );
  }
  return {
    kc,
    description: `kubeconfig file ${path}, context ${kc.getCurrentContext()}`,
  };
}

function fromServiceAccount(
  environment: Required<KamlDClusterAccessEnvironment>,
): KubeConfig {
  const host = environment.env.KUBERNETES_SERVICE_HOST;
  const port = environment.env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new Error(
      'kamlD.kubernetes.inCluster is true but KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not set: the backend is not running in a pod; use url + token or kubeconfig instead',
    );
  }
  const dir = environment.serviceAccountDir;
  for (const file of ['token', 'ca.crt']) {
    if (!existsSync(join(dir, file))) {
      throw new Error(
        `kamlD.kubernetes.inCluster is true but ${join(
          dir,
          file,
        )} does not exist: mount the service account token (automountServiceAccountToken: true on the pod)`,
      );
    }
  }
  const kc = new KubeConfig();
  // What client-node's loadFromCluster() builds, with the folder and variables we were given.
  kc.loadFromClusterAndUser(
    {
      name: 'inCluster',
      server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
      caFile: join(dir, 'ca.crt'),
      skipTLSVerify: false,
    },
    {
      name: 'inClusterUser',
      // The projected token is rotated by the kubelet: client-node rereads the file.
      authProvider: {
        name: 'tokenFile',
        config: { tokenFile: join(dir, 'token') },
      },
    },
  );
  return kc;
}

function fromPluginCluster(
  root: Config,
  name: string,
): { kc: KubeConfig; server: string } {
  const clusters = (
    root.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? []
  )
    .filter(m => m.getString('type') === 'config')
    .flatMap(m => m.getOptionalConfigArray('clusters') ?? []);
  const cluster = clusters.find(c => c.getString('name') === name);
  if (!cluster) {
    throw new Error(
      `kamlD.kubernetes.cluster "${name}" is not among the clusters configured for the Kubernetes plugin (kubernetes.clusterLocatorMethods, type config): ${
        clusters.map(c => c.getString('name')).join(', ') || 'none'
      }`,
    );
  }
  const where = `kubernetes cluster "${name}"`;
  const authProvider =
    cluster.getOptionalString('authProvider') ?? 'serviceAccount';
  if (authProvider !== 'serviceAccount') {
    throw new Error(
      `kamlD.kubernetes.cluster "${name}" uses authProvider ${authProvider}; KAML-D acts with the portal's own ServiceAccount, so that cluster needs authProvider: serviceAccount and serviceAccountToken`,
    );
  }
  const token = cluster.getOptionalString('serviceAccountToken');
  if (!token) {
    throw new Error(
      `${where} has no serviceAccountToken; KAML-D needs it to create Jobs and Deployments there`,
    );
  }
  const url = cluster.getString('url');
  const pem = caPem(
    where,
    cluster.getOptionalString('caFile'),
    cluster.getOptionalString('caData'),
  );
  const kc = fromToken(
    where,
    url,
    token,
    pem,
    cluster.getOptionalBoolean('skipTLSVerify') ?? false,
  );
  return { kc, server: url };
}

/**
 * Reads `kamlD.kubernetes` into a client configuration; undefined when the block is absent.
 * A present but broken block throws an error that names the setting to change.
 *
 * @public
 */
export function readKamlDClusterAccess(
  root: Config,
  environment: KamlDClusterAccessEnvironment = {},
): KamlDClusterAccess | undefined {
  const config = root.getOptionalConfig('kamlD.kubernetes');
  if (!config) return undefined;
  const env: Required<KamlDClusterAccessEnvironment> = {
    env: environment.env ?? process.env,
    serviceAccountDir: environment.serviceAccountDir ?? SERVICE_ACCOUNT_DIR,
    homeDir: environment.homeDir ?? homedir(),
  };
  const modes: KamlDClusterSource[] = [];
  if (config.has('url') || config.has('token')) modes.push('token');
  if (config.has('kubeconfig')) modes.push('kubeconfig');
  if (config.getOptionalBoolean('inCluster')) modes.push('inCluster');
  if (config.has('cluster')) modes.push('cluster');
  if (modes.length !== 1) {
    throw new Error(
      modes.length === 0
        ? CLUSTER_NOT_CONFIGURED_MESSAGE
        : `kamlD.kubernetes sets ${modes
            .map(m => (m === 'token' ? 'url + token' : m))
            .join(' and ')}; keep exactly one way of reaching the cluster`,
    );
  }
  const namespaces = {
    trainingNamespace: namespaceAt(
      config,
      'trainingNamespace',
      DEFAULT_TRAINING_NAMESPACE,
    ),
    modelsNamespace: namespaceAt(
      config,
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
          `kamlD.kubernetes: set both url and token (${
            url ? 'token' : 'url'
          } is missing)`,
        );
      }
      kc = fromToken(
        'kamlD.kubernetes',
        url,
        token,
        caPem(
          'kamlD.kubernetes',
          config.getOptionalString('caFile'),
          config.getOptionalString('caData'),
        ),
        config.getOptionalBoolean('skipTLSVerify') ?? false,
      );
      description = `API server ${url}`;
      break;
    }
    case 'kubeconfig': {
      const loaded = fromKubeconfig(config, env);
      kc = loaded.kc;
      description = loaded.description;
      break;
    }
    case 'inCluster':
      kc = fromServiceAccount(env);
      description = "the pod's service account";
      break;
    default: {
      const name = config.getString('cluster');
      kc = fromPluginCluster(root, name).kc;
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
