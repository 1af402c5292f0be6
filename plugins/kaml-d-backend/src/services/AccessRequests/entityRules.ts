import {
  DEFAULT_NAMESPACE,
  Entity,
  RELATION_OWNED_BY,
} from '@backstage/catalog-model';
import { z } from 'zod';

/**
 * The catalog's entity rules (`IS_ENTITY_OWNER`, `HAS_SPEC`, `HAS_METADATA`, `HAS_ANNOTATION`,
 * `HAS_LABEL`, `IS_ENTITY_KIND`): same names, parameters and meaning as the catalog backend's,
 * so a policy writes one condition for both plugins. Kept here so that this plugin needs only the
 * catalog's node library, not the catalog backend itself. Keys and values match without regard
 * to case, as the catalog's search table does.
 */
export interface EntityRule<P> {
  name: string;
  description: string;
  paramsSchema: z.ZodTypeAny;
  apply(entity: Entity, params: P): boolean;
}

/** Values longer than this are searchable by key only (as in the catalog's search table). */
const MAX_SEARCHABLE_VALUE = 200;

/**
 * The entity as key/value facts, keys dotted and lower-cased: every leaf, each element of an
 * array under the array's key, `<key>.<item>` = `true` for string items, the default namespace
 * when none is set. `relations` and `status` are not properties.
 */
function entityFacts(entity: Entity): Map<string, Set<string | null>> {
  const facts = new Map<string, Set<string | null>>();
  const add = (key: string, value: unknown) => {
    const lower = key.toLowerCase();
    const text =
      value === null || value === undefined
        ? null
        : String(value).toLowerCase();
    const values = facts.get(lower) ?? new Set<string | null>();
    values.add(
      text !== null && text.length > MAX_SEARCHABLE_VALUE ? null : text,
    );
    facts.set(lower, values);
  };
  const walk = (key: string, value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) {
        walk(key, item);
        if (typeof item === 'string') add(`${key}.${item}`, true);
      }
    } else if (value !== null && typeof value === 'object') {
      for (const [childKey, child] of Object.entries(value)) {
        walk(`${key}.${childKey}`, child);
      }
    } else if (value === null || typeof value !== 'function') {
      add(key, value);
    }
  };
  walk('spec', entity.spec ?? {});
  walk('metadata', entity.metadata);
  if (!entity.metadata.namespace) add('metadata.namespace', DEFAULT_NAMESPACE);
  return facts;
}

function propertyRule(
  property: 'spec' | 'metadata',
): EntityRule<{ key: string; value?: string }> {
  return {
    name: `HAS_${property.toUpperCase()}`,
    description: `Allow entities with the specified ${property} subfield`,
    paramsSchema: z.object({
      key: z
        .string()
        .describe(`Property within the entities ${property} to match on`),
      value: z
        .string()
        .optional()
        .describe('Value of the given property to match on'),
    }),
    apply: (entity, { key, value }) => {
      const values = entityFacts(entity).get(
        `${property}.${key}`.toLowerCase(),
      );
      if (values === undefined) return false;
      return value === undefined || values.has(value.toLowerCase());
    },
  };
}

function mapEntryRule(
  field: 'annotations' | 'labels',
  paramName: 'annotation' | 'label',
  name: string,
): EntityRule<Record<string, string | undefined>> {
  return {
    name,
    description: `Allow entities with the specified ${paramName}`,
    paramsSchema: z.object({
      [paramName]: z.string().describe(`Name of the ${paramName} to match on`),
      value: z
        .string()
        .optional()
        .describe(`Value of the ${paramName} to match on`),
    }),
    apply: (entity, params) => {
      const wantedKey = String(params[paramName]).toLowerCase();
      const wantedValue = params.value?.toLowerCase();
      return Object.entries(entity.metadata[field] ?? {}).some(
        ([key, value]) =>
          key.toLowerCase() === wantedKey &&
          (wantedValue === undefined || value.toLowerCase() === wantedValue),
      );
    },
  };
}

/** The six catalog rules, in the catalog's order. */
export const entityRules = {
  isEntityOwner: {
    name: 'IS_ENTITY_OWNER',
    description: 'Allow entities owned by a specified claim',
    paramsSchema: z.object({
      claims: z
        .array(z.string())
        .describe(
          `List of claims to match at least one on within ${RELATION_OWNED_BY}`,
        ),
    }),
    apply: (entity: Entity, { claims }: { claims: string[] }) =>
      (entity.relations ?? []).some(
        relation =>
          relation.type === RELATION_OWNED_BY &&
          claims.includes(relation.targetRef),
      ),
  } as EntityRule<{ claims: string[] }>,
  hasSpec: propertyRule('spec'),
  hasAnnotation: mapEntryRule('annotations', 'annotation', 'HAS_ANNOTATION'),
  hasLabel: mapEntryRule('labels', 'label', 'HAS_LABEL'),
  hasMetadata: propertyRule('metadata'),
  isEntityKind: {
    name: 'IS_ENTITY_KIND',
    description: 'Allow entities matching a specified kind',
    paramsSchema: z.object({
      kinds: z
        .array(z.string())
        .describe('List of kinds to match at least one of'),
    }),
    apply: (entity: Entity, { kinds }: { kinds: string[] }) =>
      kinds.some(kind => kind.toLowerCase() === entity.kind.toLowerCase()),
  } as EntityRule<{ kinds: string[] }>,
};
