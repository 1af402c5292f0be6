import { Config } from '@backstage/config';

/** Settings of the notebooks service (`kamlD.notebooks`). */
export interface NotebooksConfig {
  /** The hub's base URL as the backend reaches it, without a trailing `/`. */
  hubUrl: string;
  /** The hub's base URL as browsers reach it (JupyterLab links), without a trailing `/`. */
  publicUrl: string;
  /** API token of the hub service KAML-D runs as. */
  token: string;
  /** How long to wait for a user's server to become ready, in seconds. */
  startTimeoutSeconds: number;
  /** Lifetime of the links to the dataset's objects a starter notebook reads, in seconds. */
  linkTtlSeconds: number;
  /** Folder of the user's server the starter notebooks are written to. */
  folder: string;
}

export const DEFAULT_NOTEBOOK_START_TIMEOUT_SECONDS = 120;
export const DEFAULT_NOTEBOOK_LINK_TTL_SECONDS = 3600;
/** Presigned S3 URLs are valid for at most 7 days. */
export const MAX_NOTEBOOK_LINK_TTL_SECONDS = 7 * 24 * 3600;

function baseUrl(value: string, key: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${key} must be an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${key} must be an http(s) URL, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

function seconds(
  root: Config,
  key: string,
  fallback: number,
  max: number,
): number {
  const value = root.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(
      `${key} must be a whole number of seconds from 1 to ${max}, got ${value}`,
    );
  }
  return value;
}

/**
 * Reads `kamlD.notebooks`; `undefined` when notebooks are not configured (no
 * `kamlD.notebooks.jupyterhub.url`). Fails fast, naming the key, when a value is invalid.
 */
export function readNotebooksConfig(root: Config): NotebooksConfig | undefined {
  const hub = root.getOptionalConfig('kamlD.notebooks.jupyterhub');
  const url = hub?.getOptionalString('url');
  if (!hub || !url) return undefined;
  const hubUrl = baseUrl(url, 'kamlD.notebooks.jupyterhub.url');
  const publicUrl = hub.getOptionalString('publicUrl');
  const folder = root.getOptionalString('kamlD.notebooks.folder') ?? 'kaml-d';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(folder)) {
    throw new Error(
      `kamlD.notebooks.folder must be one folder name of letters, digits, ., _ or -, got "${folder}"`,
    );
  }
  return {
    hubUrl,
    publicUrl: publicUrl
      ? baseUrl(publicUrl, 'kamlD.notebooks.jupyterhub.publicUrl')
      : hubUrl,
    token: hub.getString('token'),
    startTimeoutSeconds: seconds(
      root,
      'kamlD.notebooks.startTimeoutSeconds',
      DEFAULT_NOTEBOOK_START_TIMEOUT_SECONDS,
      3600,
    ),
    linkTtlSeconds: seconds(
      root,
      'kamlD.notebooks.linkTtlSeconds',
      DEFAULT_NOTEBOOK_LINK_TTL_SECONDS,
      MAX_NOTEBOOK_LINK_TTL_SECONDS,
    ),
    folder,
  };
}
