import { isAbsolute, relative, sep } from 'node:path';

/**
 * Whether `path` is `base` or lies below it, by name only (both absolute and resolved; links
 * are not followed — after `realpath`, Backstage's `isChildPath` checks where links lead). A
 * folder named `..data` inside `base` counts as inside.
 */
export function isPathInside(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === '' || (rel.split(sep)[0] !== '..' && !isAbsolute(rel));
}
