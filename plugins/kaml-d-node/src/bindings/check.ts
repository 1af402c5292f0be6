import { Entity } from '@backstage/catalog-model';
import { CanonicalLocation, locationsOverlap } from './locations';
import { DatasetBindingPolicy } from './policy';
import {
  bindingOf,
  DATASET_BINDING_PRECEDENCE,
  DatasetBinding,
  DatasetBindingSource,
} from './rule';

/**
 * A Dataset (or an admin mapping) that holds a location.
 *
 * @public
 */
export interface DatasetBindingHolder {
  entityRef: string;
  owner: string;
  source: DatasetBindingSource;
  location: CanonicalLocation;
  /** The location as the holder writes it. */
  written: string;
}

/**
 * The outcome of {@link checkDatasetBinding}: the entity may read its location, or a sentence
 * that says why not, whom the location belongs to, and how to bind one.
 *
 * @public
 */
export type DatasetBindingDecision =
  | { allowed: true; binding: DatasetBinding & { bound: true } }
  | { allowed: false; message: string; holder?: DatasetBindingHolder };

const HOW_TO_BIND =
  'Storage is bound to a dataset by KAML-D discovery (upload or register the data in the Workbench), by an admin mapping (kamlD.bindings.mappings) or by a catalog origin an admin trusts (kamlD.bindings.trustedOrigins).';

/**
 * The holders of locations: every bound Dataset among `entities` and every admin mapping.
 *
 * @public
 */
export function bindingHolders(
  entities: Iterable<Entity>,
  policy: DatasetBindingPolicy,
): DatasetBindingHolder[] {
  const holders: DatasetBindingHolder[] = policy.mappings.map(m => ({
    entityRef: m.entityRef,
    owner: m.owner,
    source: 'mapping',
    location: m.canonical,
    written: m.location,
  }));
  for (const entity of entities) {
    const binding = bindingOf(entity, policy);
    if (binding.bound && binding.source !== 'mapping') {
      holders.push({
        entityRef: binding.entityRef,
        owner: binding.owner,
        source: binding.source,
        location: binding.location,
        written: String(entity.spec?.location),
      });
    }
  }
  return holders;
}

/** Whether `a` takes precedence over `b` for overlapping locations. */
function outranks(
  a: { source: DatasetBindingSource; entityRef: string },
  b: { source: DatasetBindingSource; entityRef: string },
): boolean {
  const diff =
    DATASET_BINDING_PRECEDENCE[a.source] - DATASET_BINDING_PRECEDENCE[b.source];
  return diff !== 0 ? diff > 0 : a.entityRef < b.entityRef;
}

const SOURCE_NAMES: Record<DatasetBindingSource, string> = {
  mapping: 'an admin mapping',
  'trusted-origin': 'a trusted catalog origin',
  discovery: 'discovery',
};

function describe(holder: DatasetBindingHolder): string {
  return `${holder.written} is bound to ${holder.entityRef} (owner ${
    holder.owner
  }, by ${SOURCE_NAMES[holder.source]})`;
}

/**
 * One location, one Dataset: the entity may read its `spec.location` iff {@link bindingOf}
 * binds it and no other holder whose location overlaps it (the same place, a folder above or
 * below) takes precedence: admin mapping over trusted origin over discovery; between equals,
 * the entity ref that sorts first. A rejection names the rightful holder and its owner.
 *
 * @param holders - from {@link bindingHolders}; the entity's own entry is ignored
 *
 * @public
 */
export function checkDatasetBinding(
  entity: Entity,
  policy: DatasetBindingPolicy,
  holders: readonly DatasetBindingHolder[],
): DatasetBindingDecision {
  const binding = bindingOf(entity, policy);
  const others = binding.location
    ? holders.filter(
        h =>
          h.entityRef !== binding.entityRef &&
          locationsOverlap(h.location, binding.location!),
      )
    : [];
  const rightful = [...others].sort((a, b) => (outranks(a, b) ? -1 : 1))[0];
  const subject = `Dataset ${binding.entityRef} may not read ${entity.spec?.location}`;
  if (!binding.bound) {
    return {
      allowed: false,
      holder: rightful,
      message: `${subject}: ${binding.reason}. ${
        rightful
          ? `${describe(rightful)}.`
          : 'No dataset is bound to that location.'
      } ${HOW_TO_BIND}`,
    };
  }
  const above = others.find(h => outranks(h, binding));
  if (above) {
    return {
      allowed: false,
      holder: above,
      message: `${subject}: ${describe(
        above,
      )}, which takes precedence (admin mapping, then trusted origin, then discovery; a location belongs to one dataset). Point spec.location elsewhere or remove the other claim.`,
    };
  }
  return { allowed: true, binding };
}

/**
 * Holders read through `list` (all Dataset entities, with at least kind, metadata, spec.owner
 * and spec.location) and reused for `ttlMs`; concurrent callers share one read.
 *
 * @public
 */
export function createBindingHolderCache(options: {
  policy: DatasetBindingPolicy;
  list: () => Promise<Entity[]>;
  ttlMs: number;
  now?: () => number;
}): {
  /** The holders, read again when the last read is older than `maxAgeMs` (default `ttlMs`). */
  holders(maxAgeMs?: number): Promise<DatasetBindingHolder[]>;
  invalidate(): void;
} {
  const now = options.now ?? Date.now;
  let cached:
    | { at: number; holders: Promise<DatasetBindingHolder[]> }
    | undefined;
  return {
    holders(maxAgeMs = options.ttlMs) {
      if (!cached || now() - cached.at > maxAgeMs) {
        const at = now();
        const holders = options
          .list()
          .then(entities => bindingHolders(entities, options.policy));
        cached = { at, holders };
        holders.catch(() => {
          if (cached?.holders === holders) cached = undefined;
        });
      }
      return cached.holders;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
