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

/** How long "Open in notebook" waits for a server to start (a cold JupyterLab takes seconds). */
export const NOTEBOOK_START_TIMEOUT_SECONDS = 180;
/** The default of `kamlD.storage.downloadLinkTtlSeconds`. */
export const DEFAULT_NOTEBOOK_LINK_TTL_SECONDS = 900;
/** Folder of the user's server the starter notebooks are written to. */
export const NOTEBOOK_FOLDER = 'kaml-d';
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
 * Reads `kamlD.notebooks` (and the link lifetime `kamlD.storage.downloadLinkTtlSeconds`);
 * `undefined` when notebooks are not configured (no
 * `kamlD.notebooks.jupyterhub.url`). Fails fast, naming the key, when a value is invalid.
 */
export function readNotebooksConfig(root: Config): NotebooksConfig | undefined {
  const hub = root.getOptionalConfig('kamlD.notebooks.jupyterhub');
  const url = hub?.getOptionalString('url');
  if (!hub || !url) return undefined;
  const hubUrl = baseUrl(url, 'kamlD.notebooks.jupyterhub.url');
  const publicUrl = hub.getOptionalString('publicUrl');
  return {
    hubUrl,
    publicUrl: publicUrl
      ? baseUrl(publicUrl, 'kamlD.notebooks.jupyterhub.publicUrl')
      : hubUrl,
    token: hub.getString('token'),
    startTimeoutSeconds: NOTEBOOK_START_TIMEOUT_SECONDS,
    // the notebook's links live as long as the portal's download links
    linkTtlSeconds: seconds(
      root,
      'kamlD.storage.downloadLinkTtlSeconds',
      DEFAULT_NOTEBOOK_LINK_TTL_SECONDS,
      MAX_NOTEBOOK_LINK_TTL_SECONDS,
    ),
    folder: NOTEBOOK_FOLDER,
  };
}
