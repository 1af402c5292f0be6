import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';

/**
 * POSTs JSON (or, when `body` is a FormData, multipart/form-data) to the KAML-D backend on
 * behalf of the task's user and returns the parsed answer. A refused call throws with `failure`
 * and the backend's own error message.
 */
export async function postToKamlDBackend<T>(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  onBehalfOf: BackstageCredentials;
  /** Path below `/api/kaml-d`, with its segments already encoded. */
  path: string;
  body: unknown;
  /** What failed, for the error: "Snapshot of dataset:default/x failed". */
  failure: string;
}): Promise<T> {
  const { discovery, auth, onBehalfOf, path, body, failure } = options;
  const baseUrl = await discovery.getBaseUrl('kaml-d');
  const { token } = await auth.getPluginRequestToken({
    onBehalfOf,
    targetPluginId: 'kaml-d',
  });
  const multipart = body instanceof FormData;
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      // fetch sets the multipart content type with its boundary itself
      ...(multipart ? {} : { 'content-type': 'application/json' }),
      authorization: `Bearer ${token}`,
    },
    body: multipart ? body : JSON.stringify(body),
  });
  if (!res.ok) {
    const text = await res.text();
    let message = text;
    try {
      message = JSON.parse(text)?.error?.message ?? text;
    } catch {
      // not JSON: keep the text
    }
    throw new Error(`${failure} (HTTP ${res.status}): ${message}`);
  }
  return (await res.json()) as T;
}
