import { readFileSync } from 'node:fs';
import { Config } from '@backstage/config';

/** Default namespace of training Jobs. */
export const DEFAULT_TRAINING_NAMESPACE = 'kaml-d-training';
/** Default namespace of model Deployments and Services. */
export const DEFAULT_MODELS_NAMESPACE = 'kaml-d-models';

/** The cluster settings read from `kamlD.kubernetes`. */
export interface KamlDKubernetesSettings {
  url: string;
  token: string;
  /** PEM of the certificate authority, when one is configured. */
  caData?: string;
  trainingNamespace: string;
  modelsNamespace: string;
}

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The sentence every action throws when `kamlD.kubernetes` is missing. */
export const NOT_CONFIGURED_MESSAGE =
  'KAML-D Kubernetes access is not configured: set kamlD.kubernetes.url, kamlD.kubernetes.token ' +
  'and kamlD.kubernetes.caFile (or caData) in app-config so the kaml-d:training and kaml-d:model ' +
  'actions can reach a cluster';

function namespaceAt(config: Config, key: string, fallback: string): string {
  const value = config.getOptionalString(key) ?? fallback;
  if (!DNS_1123_LABEL.test(value)) {
    throw new Error(
      `kamlD.kubernetes.${key} "${value}" is not a valid namespace name (lower-case letters, digits and '-', at most 63)`,
    );
  }
  return value;
}

/**
 * Reads `kamlD.kubernetes`; undefined when the block is absent (the actions then fail with
 * {@link NOT_CONFIGURED_MESSAGE}). A present but broken block throws at startup.
 */
export function readKamlDKubernetesSettings(
  root: Config,
): KamlDKubernetesSettings | undefined {
  const config = root.getOptionalConfig('kamlD.kubernetes');
  if (!config) return undefined;
  const url = config.getString('url');
  try {
    // eslint-disable-next-line no-new
    new URL(url);
  } catch {
    throw new Error(`kamlD.kubernetes.url "${url}" is not a URL`);
  }
  const caFile = config.getOptionalString('caFile');
  let caData = config.getOptionalString('caData');
  if (caFile && caData) {
    throw new Error('kamlD.kubernetes: set caFile or caData, not both');
  }
  if (caFile) {
    try {
      caData = readFileSync(caFile, 'utf8');
    } catch (e) {
      throw new Error(
        `kamlD.kubernetes.caFile ${caFile} cannot be read: ${
          (e as Error).message
        }`,
      );
    }
  } else if (caData && !caData.includes('-----BEGIN')) {
    caData = Buffer.from(caData, 'base64').toString('utf8');
  }
  return {
    url,
    token: config.getString('token'),
    caData,
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
}
