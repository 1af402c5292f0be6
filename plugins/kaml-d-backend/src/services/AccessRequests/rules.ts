import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  AccessRequest,
  accessDecidePermission,
  isDatasetEntity,
} from '@kaml-d/plugin-kaml-d-common';
import { userRefOf } from '../actor';
import { AccessRequestRow } from './accessRequestRows';

/** Owners of an entity as entity refs: its ownedBy relations, else its spec.owner. */
export function ownersOf(entity: Entity): string[] {
  const related = (entity.relations ?? [])
    .filter(r => r.type === RELATION_OWNED_BY)
    .map(r => r.targetRef.toLocaleLowerCase('en-US'));
  if (related.length > 0) return [...new Set(related)];
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || !owner) return [];
  try {
    return [
      stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: entity.metadata.namespace ?? 'default',
        }),
      ).toLocaleLowerCase('en-US'),
    ];
  } catch {
    return [];
  }
}

/** The signed-in user's entity ref, lower-cased; services may not request or decide. */
export function requesterOf(credentials: BackstageCredentials): string {
  return userRefOf(
    credentials,
    'Access requests are made and decided by signed-in users, not services.',
  );
}

/** The requested entity ref in its full, lower-case form; 400 when it is not one. */
export function requestedEntityRef(text: string): string {
  let ref;
  try {
    ref = parseEntityRef(text);
  } catch (error) {
    throw new InputError(
      `entityRef: "${text}" is not an entity reference; use kind:namespace/name, such as dataset:default/customers.`,
    );
  }
  return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
}

/** Throws unless the entity is in the catalog (as the user sees it) and is a dataset. */
export function checkRequestable(
  entityRef: string,
  entity: Entity | undefined,
): asserts entity is Entity {
  if (!entity) {
    throw new NotFoundError(`No entity ${entityRef} in the catalog.`);
  }
  if (!isDatasetEntity(entity)) {
    throw new InputError(
      `Access can be requested on datasets only; ${entityRef} is a ${entity.kind}.`,
    );
  }
}

/** The entity's owners, who decide on requests to it; 400 when it has none. */
export function decidersOf(entityRef: string, entity: Entity): string[] {
  const owners = ownersOf(entity);
  if (owners.length === 0) {
    throw new InputError(
      `${entityRef} has no owner to decide on a request; ask an admin to set spec.owner.`,
    );
  }
  return owners;
}

/** 400 when the user already holds some of the requested permissions: naming what is left to ask. */
export function checkNothingHeld(
  entityRef: string,
  requested: string[],
  held: string[],
): void {
  if (held.length === requested.length) {
    throw new InputError(
      `You already have ${held.join(
        ' and ',
      )} on ${entityRef}; there is nothing to request.`,
    );
  }
  if (held.length > 0) {
    throw new InputError(
      `You already have ${held.join(
        ' and ',
      )} on ${entityRef}; request only ${requested
        .filter(p => !held.includes(p))
        .join(' and ')}.`,
    );
  }
}

/** 403 unless the user may decide on the request (`kaml-d.access.decide`) and did not make it. */
export function checkMayDecide(
  row: AccessRequestRow,
  user: string,
  mayDecide: boolean,
): void {
  if (!mayDecide) {
    throw new NotAllowedError(
      `Only the owners of ${row.entity_ref} (${JSON.parse(row.owners).join(
        ', ',
      )}) or an admin may decide on access requests to it (${
        accessDecidePermission.name
      }).`,
    );
  }
  if (row.requester === user) {
    throw new NotAllowedError(
      `You cannot decide on your own access request; another owner of ${row.entity_ref} or an admin must (${accessDecidePermission.name}).`,
    );
  }
}

/** The 409 of a second pending request by the same user on the same entity. */
export function alreadyPending(
  entityRef: string,
  existing: { id: string } | undefined,
): ConflictError {
  return new ConflictError(
    `You already have a pending access request${
      existing ? ` (${existing.id})` : ''
    } on ${entityRef}; wait for its owners to decide on it.`,
  );
}

/** The 409 of a decision on a request that is no longer pending. */
export function alreadyDecided(
  id: string,
  current: AccessRequest,
): ConflictError {
  return new ConflictError(
    `Access request ${id} is ${current.status}${
      current.decidedBy ? ` (decided by ${current.decidedBy})` : ''
    }; only pending requests can be decided.`,
  );
}
