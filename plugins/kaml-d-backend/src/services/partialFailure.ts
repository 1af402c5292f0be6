import {
  PartialFailure,
  PartialFailureSource,
} from '@kaml-d/plugin-kaml-d-common';

/**
 * The HTTP status a dependency answered with, where its error carries one: a Kubernetes
 * client's `ApiException.code`, or a `statusCode` (Backstage's `ResponseError`, the Prometheus
 * client). Node's string codes (`ECONNREFUSED`) are no status.
 */
export function statusCodeOf(error: unknown): number | undefined {
  const e = error as { statusCode?: unknown; code?: unknown } | undefined;
  for (const value of [e?.statusCode, e?.code]) {
    if (typeof value === 'number' && value >= 100 && value < 600) return value;
  }
  return undefined;
}

/**
 * One entry of a partial answer's `errors`: what failed (`source` and `name`), the status it
 * answered with when `cause` carries one, and the sentence shown to the user.
 */
export function partialFailure(
  source: PartialFailureSource,
  name: string,
  message: string,
  cause?: unknown,
): PartialFailure {
  const statusCode = statusCodeOf(cause);
  return {
    source,
    name,
    ...(statusCode !== undefined ? { statusCode } : {}),
    message,
  };
}
