import { ResponseError } from '@backstage/errors';
import { serverMessage } from '../shared/errors';

/**
 * The permission a refused (403) request names, such as `kaml-d.dataset.snapshot.restore`;
 * `undefined` when the error is not a refusal. Falls back to the server's message when it names
 * no `kaml-d.*` permission.
 */
export function deniedPermission(error: Error): string | undefined {
  if (!(error instanceof ResponseError) || error.statusCode !== 403)
    return undefined;
  const message = serverMessage(error);
  return message.match(/kaml-d(?:\.[a-z-]+)+/)?.[0] ?? message;
}

/** Path of one tab of a catalog entity page, such as `/catalog/default/model/fraud/versions`. */
export function entityTabPath(entityRef: string, tab: string): string {
  const match = entityRef.match(/^([^:]+):(?:([^/]+)\/)?(.+)$/);
  if (!match) return '/catalog';
  const [, kind, namespace = 'default', name] = match;
  return `/catalog/${[namespace, kind.toLocaleLowerCase('en-US'), name]
    .map(encodeURIComponent)
    .join('/')}/${tab}`;
}

/** `sha256:3f9a…` shortened to its first 12 hex digits. */
export function shortDigest(digest: string): string {
  const hex = digest.replace(/^sha256:/, '');
  return hex.slice(0, 12);
}
