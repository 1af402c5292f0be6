import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';

/** Namespaces and names as the catalog writes them (the routes' path rule). */
const ENTITY_NAME_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * The entity an action names: `name`, `namespace/name` or `kind:namespace/name`, of `kind`
 * (`dataset` or `model`). Anything else is an InputError saying how to write it.
 */
export function entityRefInput(
  value: string,
  kind: 'dataset' | 'model',
): CompoundEntityRef {
  let parsed: CompoundEntityRef;
  try {
    parsed = parseEntityRef(value.trim(), {
      defaultKind: kind,
      defaultNamespace: 'default',
    });
  } catch {
    throw new InputError(
      `"${value}" is not a ${kind} reference; write it as name, namespace/name or ${kind}:namespace/name.`,
    );
  }
  if (parsed.kind.toLocaleLowerCase('en-US') !== kind) {
    throw new InputError(
      `"${value}" names a ${parsed.kind}, not a ${kind}; write it as name, namespace/name or ${kind}:namespace/name.`,
    );
  }
  for (const part of [parsed.namespace, parsed.name]) {
    if (!ENTITY_NAME_PART.test(part)) {
      throw new InputError(
        `"${part}" in "${value}" must be 1 to 63 letters, digits, -, _ or . starting with a letter or digit.`,
      );
    }
  }
  return { kind, namespace: parsed.namespace, name: parsed.name };
}

/**
 * The caller, who must be a signed-in user. Service principals pass the permission framework
 * unchecked, so an agent connected with a static token would read every dataset, PII included;
 * KAML-D actions act for a person, with that person's permissions, as the portal does.
 */
export function userCredentials(
  credentials: BackstageCredentials,
): BackstageCredentials<BackstageUserPrincipal> {
  if ((credentials.principal as { type?: string }).type !== 'user') {
    throw new NotAllowedError(
      'KAML-D actions act for a signed-in user: connect the assistant with a Backstage user token, not a service or static token.',
    );
  }
  return credentials as BackstageCredentials<BackstageUserPrincipal>;
}

/** `error` when it is one a user can act on (refused, missing, bad input), else undefined. */
export function explainableError(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const known = [
    'NotAllowedError',
    'NotFoundError',
    'InputError',
    'ConflictError',
    'ServiceUnavailableError',
  ];
  return known.includes(error.name)
    ? `${error.name}: ${error.message}`
    : undefined;
}
