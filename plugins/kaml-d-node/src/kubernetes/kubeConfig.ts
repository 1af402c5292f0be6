import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/**
 * Where Kubernetes mounts a pod's service account token, CA and namespace.
 *
 * @public
 */
export const SERVICE_ACCOUNT_DIR =
  '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * How to reach one API server: the input of {@link buildKamlDKubeConfig}, the one place a
 * client configuration is made from settings.
 *
 * @public
 */
export interface KamlDClusterConnection {
  /** The cluster's name (the kubeconfig cluster and context are named after it). */
  name: string;
  /** API server URL, `https://` (or `http://`). */
  url: string;
  /** A bearer token; with neither this nor `tokenFile` the requests are anonymous. */
  token?: string;
  /** A token file reread as it is rotated (the pod's projected service account token). */
  tokenFile?: string;
  /** Path of the PEM file of the API server's certificate authority. */
  caFile?: string;
  /** PEM, or base64 of the PEM, of that certificate authority. */
  caData?: string;
  skipTLSVerify?: boolean;
  /** The setting these values came from, for error messages (`kubernetes cluster "rig"`). */
  where: string;
}

/** Checks an API server URL; the error names the setting. */
export function checkApiServerUrl(where: string, url: string): string {
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

/**
 * A client configuration for one API server. A broken setting (not a URL, an unreadable CA file,
 * both CA forms) throws an error that names it.
 *
 * @public
 */
export function buildKamlDKubeConfig(
  connection: KamlDClusterConnection,
): KubeConfig {
  const { where, name } = connection;
  const server = checkApiServerUrl(`${where}.url`, connection.url);
  const pem = caPem(where, connection.caFile, connection.caData);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name,
        server,
        caData: pem ? Buffer.from(pem).toString('base64') : undefined,
        skipTLSVerify: connection.skipTLSVerify ?? false,
      },
    ],
    users: [
      connection.tokenFile
        ? {
            name: 'kaml-d-portal',
            // client-node rereads the file, so a rotated projected token keeps working
            authProvider: {
              name: 'tokenFile',
              config: { tokenFile: connection.tokenFile },
            },
          }
        : { name: 'kaml-d-portal', token: connection.token },
    ],
    contexts: [{ name, cluster: name, user: 'kaml-d-portal' }],
    currentContext: name,
  });
  return kc;
}

/**
 * The token and CA files Kubernetes mounts into the pod, checked to exist; `what` says which
 * setting asked for them.
 */
export function podServiceAccountFiles(
  what: string,
  serviceAccountDir: string,
  withCa = true,
): { tokenFile: string; caFile?: string } {
  const files = {
    tokenFile: join(serviceAccountDir, 'token'),
    caFile: withCa ? join(serviceAccountDir, 'ca.crt') : undefined,
  };
  for (const file of Object.values(files)) {
    if (file === undefined) continue;
    if (!existsSync(file)) {
      throw new Error(
        `${what} but ${file} does not exist: mount the service account token (automountServiceAccountToken: true on the pod)`,
      );
    }
  }
  return files;
}

/**
 * The API server and service account of the pod the backend runs in (what client-node's
 * loadFromCluster() builds, from the variables and folder given). `what` names the setting that
 * asked for it, for errors.
 *
 * @public
 */
export function buildKamlDPodKubeConfig(
  what: string,
  environment: {
    /** Default: process.env. */
    env?: Record<string, string | undefined>;
    /** Default: {@link SERVICE_ACCOUNT_DIR}. */
    serviceAccountDir?: string;
  } = {},
): KubeConfig {
  const env = environment.env ?? process.env;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new Error(
      `${what} but KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not set: the backend is not running in a pod; configure the cluster in kubernetes.clusterLocatorMethods instead`,
    );
  }
  const files = podServiceAccountFiles(
    what,
    environment.serviceAccountDir ?? SERVICE_ACCOUNT_DIR,
  );
  return buildKamlDKubeConfig({
    name: 'inCluster',
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ...files,
    where: what,
  });
}
