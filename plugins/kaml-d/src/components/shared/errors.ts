import { ResponseError } from '@backstage/errors';

/**
 * What the server said went wrong, in its own words: the message of the remote error for a
 * failed response (an engine's SQL error, a refused upload field), the error's message otherwise.
 */
export function serverMessage(error: Error): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message || error.cause?.message || error.message;
  }
  return error.message;
}
