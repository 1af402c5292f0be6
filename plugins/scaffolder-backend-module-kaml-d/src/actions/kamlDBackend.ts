import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { isError, ResponseError } from '@backstage/errors';
import { KamlDBackendClient } from '@kaml-d/plugin-kaml-d-common';

/**
 * The KAML-D backend's client for a scaffolder action, on behalf of the task's user: every
 * request carries a token for the `kaml-d` plugin issued for `onBehalfOf`.
 */
export function kamlDBackendClient(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  onBehalfOf: BackstageCredentials;
}): KamlDBackendClient {
  const { discovery, auth, onBehalfOf } = options;
  return new KamlDBackendClient({
    discoveryApi: discovery,
    fetchApi: {
      async fetch(input, init) {
        const { token } = await auth.getPluginRequestToken({
          onBehalfOf,
          targetPluginId: 'kaml-d',
        });
        const headers = new Headers(init?.headers);
        headers.set('authorization', `Bearer ${token}`);
        return fetch(input, { ...init, headers });
      },
    },
  });
}

function isResponseError(error: unknown): error is ResponseError {
  return isError(error) && error.name === 'ResponseError';
}

/**
 * Runs one call to the KAML-D backend; a refused call fails the step with `failure`, the HTTP
 * status and the backend's own message: "Snapshot of dataset:default/x failed (HTTP 403): …".
 */
export async function orFail<T>(
  failure: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isResponseError(error)) throw error;
    throw new Error(
      `${failure} (HTTP ${error.statusCode}): ${error.body.error.message}`,
    );
  }
}
