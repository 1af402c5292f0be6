import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  canonicalLocation,
  CanonicalLocation,
  locationIsBelow,
  sameLocation,
} from './locations';
import { DatasetBindingPolicy } from './policy';

/**
 * What bound a Dataset to its storage location.
 *
 * - `mapping`: an admin entry of `kamlD.bindings.mappings`;
 * - `trusted-origin`: the entity came from an origin listed in `kamlD.bindings.trustedOrigins`;
 * - `discovery`: a configured KAML-D discovery provider emitted it for the folder or table it
 *   found (uploads and registrations reach the catalog this way: the provider reads the
 *   manifest they write into the folder).
 *
 * @public
 */
export type DatasetBindingSource = 'mapping' | 'trusted-origin' | 'discovery';

/**
 * Precedence when two bound Datasets claim overlapping locations: the higher one holds the
 * location; between equals, the entity ref that sorts first.
 *
 * @public
 */
export const DATASET_BINDING_PRECEDENCE: Record<DatasetBindingSource, number> =
  {
    mapping: 3,
    'trusted-origin': 2,
    discovery: 1,
  };

/**
 * The binding rule's verdict on one Dataset entity, before looking at other Datasets.
 *
 * @public
 */
export type DatasetBinding =
  | {
      bound: true;
      source: DatasetBindingSource;
      entityRef: string;
      owner: string;
      location: CanonicalLocation;
    }
  | {
      bound: false;
      /** Why, as a sentence about the entity. */
      reason: string;
      entityRef: string;
      owner: string;
      /** Undefined when `spec.location` is not a location at all. */
      location?: CanonicalLocation;
    };

/** The origin location annotation, which the catalog itself writes. */
function originOf(entity: Entity): string | undefined {
  return entity.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION];
}

/**
 * Whether an admin vouches for everything an entity says: its origin location
 * (`backstage.io/managed-by-origin-location`, which the catalog overwrites for every entity read
 * from a location, so an author cannot forge it) is listed in `kamlD.bindings.trustedOrigins`.
 *
 * Entities registered through the catalog API or UI, published by templates, or emitted by
 * discovery (whose manifests uploaders write) are not trusted. Use it for any kind, to allow
 * fields that act with the portal's authority (storage locations, verbatim PromQL).
 *
 * @public
 */
export function isTrustedOrigin(
  entity: Entity,
  policy: Pick<DatasetBindingPolicy, 'trustedOrigins'>,
): boolean {
  const origin = originOf(entity);
  return origin !== undefined && policy.trustedOrigins.has(origin);
}

/** `owner` as a full ref (Group by default, in the entity's namespace); as written when invalid. */
export function ownerRefOf(entity: Entity): string {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string') return '';
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return owner;
  }
}

/** The entity ref in lower case, as the catalog compares refs. */
export function entityRefOf(entity: Entity): string {
  return stringifyEntityRef(entity).toLocaleLowerCase('en-US');
}

/** Whether a configured discovery provider emitted the entity for exactly `location`. */
function isDiscovered(
  entity: Entity,
  location: CanonicalLocation,
  policy: DatasetBindingPolicy,
): boolean {
  const origin = originOf(entity);
  if (!origin || entity.metadata.annotations?.[ANNOTATION_LOCATION] !== origin)
    return false;
  for (const root of policy.discovery.values()) {
    const head = `${root.providerName}:`;
    if (!origin.startsWith(head)) continue;
    const emitted = canonicalLocation(
      origin.slice(head.length),
      policy.storage,
    );
    return (
      emitted !== undefined &&
      sameLocation(emitted, location) &&
      locationIsBelow(location, root.root) &&
      location.segments.length === root.root.segments.length + root.depth
    );
  }
  return false;
}

/**
 * The storage binding rule: a Dataset's `spec.location` (s3://, file://, trino://) is bound to
 * it iff
 *
 * 1. an admin mapping (`kamlD.bindings.mappings`) binds exactly that location to this entity
 *    ref, and the entity names the mapping's owner (and comes from the mapping's origin, when it
 *    names one), or
 * 2. its origin location is listed in `kamlD.bindings.trustedOrigins`, or
 * 3. a configured KAML-D discovery provider emitted it for the folder (directly under the
 *    provider's root) or Trino table it found.
 *
 * Everything else (locations registered through the catalog API or UI, template-published
 * entities, other providers) is not bound and may claim no location. Decided from the
 * provenance annotations the catalog or the provider writes and from configuration, never from
 * fields the author writes. Exclusivity between bound Datasets is checked by
 * {@link checkDatasetBinding}.
 *
 * @public
 */
export function bindingOf(
  entity: Entity,
  policy: DatasetBindingPolicy,
): DatasetBinding {
  const entityRef = entityRefOf(entity);
  const owner = ownerRefOf(entity);
  const raw = entity.spec?.location;
  const location =
    typeof raw === 'string'
      ? canonicalLocation(raw, policy.storage)
      : undefined;
  if (!location || location.segments.length === 0) {
    return {
      bound: false,
      entityRef,
      owner,
      location,
      reason: `its spec.location ${JSON.stringify(
        raw ?? null,
      )} names no folder or table (write s3://bucket/folder/ or trino://catalog/schema/table)`,
    };
  }
  const mapping = policy.mappings.find(
    m => m.entityRef === entityRef && sameLocation(m.canonical, location),
  );
  if (mapping) {
    if (mapping.owner !== owner) {
      return {
        bound: false,
        entityRef,
        owner,
        location,
        reason: `kamlD.bindings.mappings binds ${mapping.location} to it with owner ${mapping.owner}, but it names owner ${owner}; set spec.owner to ${mapping.owner} or ask an admin to change the mapping`,
      };
    }
    if (mapping.origin && mapping.origin !== originOf(entity)) {
      return {
        bound: false,
        entityRef,
        owner,
        location,
        reason: `kamlD.bindings.mappings binds ${
          mapping.location
        } to it when it comes from ${mapping.origin}, but it comes from ${
          originOf(entity) ?? 'an unknown origin'
        }`,
      };
    }
    return { bound: true, source: 'mapping', entityRef, owner, location };
  }
  if (isTrustedOrigin(entity, policy)) {
    return {
      bound: true,
      source: 'trusted-origin',
      entityRef,
      owner,
      location,
    };
  }
  if (isDiscovered(entity, location, policy)) {
    return { bound: true, source: 'discovery', entityRef, owner, location };
  }
  return {
    bound: false,
    entityRef,
    owner,
    location,
    reason: `it comes from ${
      originOf(entity) ?? 'an unknown origin'
    }, a source that may not bind storage`,
  };
}
