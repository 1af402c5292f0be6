import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';

/*
 * Who is acting, as the audit log, snapshot and model version rows record it, read once from
 * the request's credentials for every KAML-D service.
 */

type Principal = { type?: string; userEntityRef?: string; subject?: string };

/**
 * The actor of a write: the signed-in user's entity ref, or `service:<subject>` for a backend
 * plugin calling with its own credentials (the scaffolder, say). Anything else is refused.
 */
export function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as Principal;
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  if (principal.type === 'service' && principal.subject) {
    return `service:${principal.subject}`;
  }
  throw new NotAllowedError(
    'This change is made by signed-in users and services only.',
  );
}

/**
 * The signed-in user's entity ref, lower-cased (as catalog refs compare); refused with
 * `refusal` for services and anonymous callers.
 */
export function userRefOf(
  credentials: BackstageCredentials,
  refusal: string,
): string {
  const principal = credentials.principal as Principal;
  if (principal.type !== 'user' || !principal.userEntityRef) {
    throw new NotAllowedError(refusal);
  }
  return principal.userEntityRef.toLocaleLowerCase('en-US');
}
