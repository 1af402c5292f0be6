import { Entity } from '@backstage/catalog-model';

/**
 * A deep copy of `entity` with the field at the dot-separated `path` replaced by `value`, or
 * removed when `value` is `undefined`. Array items are addressed by their index (`a.0.b`).
 */
export function withField(
  entity: Entity,
  path: string,
  value: unknown,
): Entity {
  const copy: Entity = JSON.parse(JSON.stringify(entity));
  const keys = path.split('.');
  const last = keys.pop()!;
  let node: Record<string, unknown> = copy as unknown as Record<
    string,
    unknown
  >;
  for (const key of keys) {
    node = node[key] as Record<string, unknown>;
  }
  if (value === undefined) {
    delete node[last];
  } else {
    node[last] = value;
  }
  return copy;
}
