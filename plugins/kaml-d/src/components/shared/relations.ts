import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * The targets of the relations of `type` of `entity`, and, when the catalog has not stitched
 * any yet, the references declared in `declared` (resolved with `defaultKind` and the entity's
 * namespace). Duplicates are removed; order is kept.
 */
export function relationTargets(
  entity: Entity,
  type: string,
  declared: string[] = [],
  defaultKind?: string,
): string[] {
  const fromRelations = (entity.relations ?? [])
    .filter(r => r.type === type)
    .map(r => r.targetRef);
  const refs = fromRelations.length
    ? fromRelations
    : declared.flatMap(ref => {
        try {
          return [
            stringifyEntityRef(
              parseEntityRef(ref, {
                defaultKind,
                defaultNamespace: entity.metadata.namespace ?? 'default',
              }),
            ),
          ];
        } catch {
          return [];
        }
      });
  return [...new Set(refs)];
}

/** Human-readable size: `1.5 GB`, `320 kB`, `12 B`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** `1234567` → `1,234,567`. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
