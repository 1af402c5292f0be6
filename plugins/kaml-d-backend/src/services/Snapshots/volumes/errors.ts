import {
  ConflictError,
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ApiException } from '@kubernetes/client-node';

/** The cluster's own words in an API error (its Status message), else the error's text. */
export function clusterMessage(error: unknown): string {
  if (error instanceof ApiException) {
    const body = error.body as unknown;
    try {
      const status = typeof body === 'string' ? JSON.parse(body) : body;
      if (status && typeof status.message === 'string') return status.message;
    } catch {
      // not JSON: fall through
    }
    return `HTTP ${error.code}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one request to the cluster: a refusal (403) becomes a NotAllowedError, a conflict (409) a
 * ConflictError, an invalid object (422) an InputError, anything else (unreachable, 5xx) a
 * ServiceUnavailableError naming the cluster, so the portal says which dependency is down.
 */
export async function onCluster<T>(
  cluster: string,
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const message = `${what} on cluster ${cluster}: ${clusterMessage(error)}`;
    const code = error instanceof ApiException ? error.code : undefined;
    if (code === 403) {
      throw new NotAllowedError(
        `The portal's Kubernetes identity may not do this (${message}); grant it in the cluster's RBAC.`,
      );
    }
    if (code === 409) throw new ConflictError(message);
    if (code === 422 || code === 400) throw new InputError(message);
    throw new ServiceUnavailableError(
      `Kubernetes is unavailable (${message}).`,
    );
  }
}
