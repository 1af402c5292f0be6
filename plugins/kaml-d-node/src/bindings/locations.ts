import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The store behind a location as the KAML-D backend resolves it: which adapter `s3://` uses
 * (`kamlD.storage.adapter`) and the file adapter's root (`kamlD.storage.file.root`), so that
 * `s3://b/a/` and `file:///<root>/b/a/` compare equal when both reach the same files.
 *
 * @public
 */
export interface BindingStorage {
  /** Adapter type of `s3://` locations, such as `file` or `s3`. */
  s3Adapter: string;
  /** Absolute root of the file adapter. */
  fileRoot: string;
}

/**
 * A storage location reduced to what it names: the store and the path from its top level (the
 * bucket, or the Trino catalog) down. Spelling does not survive: scheme and bucket case,
 * percent-encoding, `.` and `..`, repeated and trailing slashes are gone.
 *
 * @public
 */
export interface CanonicalLocation {
  /** `s3`, `file` (the file adapter), `path` (a file outside the storage root), `trino`, or another scheme. */
  store: string;
  /** Bucket then key folders; or catalog, schema, table. Empty for a whole store. */
  segments: string[];
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s;

/** Decodes `%xx`; a malformed escape is kept as written (it is then just a different name). */
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Splits a decoded path and resolves `.`, `..` and empty segments the way a URL parser and a file
 * system would (`..` above the top stays at the top, which only widens a claim).
 */
function segmentsOf(path: string): string[] {
  const out: string[] = [];
  for (const raw of path.split('/')) {
    const segment = decode(raw);
    // `%2F` decodes to a separator, as the backend's decodeURIComponent of the whole path does
    for (const part of segment.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') out.pop();
      else out.push(part);
    }
  }
  return out;
}

/** Drops `?query` and `#fragment`, which a URL parser would not count as path. */
function pathPart(rest: string): string {
  const cut = rest.search(/[?#]/);
  return cut < 0 ? rest : rest.slice(0, cut);
}

/**
 * Reduces a dataset location (`s3://`, `file://`, `trino://`, other URLs) to a
 * {@link CanonicalLocation}.
 *
 * @returns undefined when the text is not a URL with a scheme
 *
 * @public
 */
export function canonicalLocation(
  location: string,
  storage: BindingStorage,
): CanonicalLocation | undefined {
  const match = SCHEME.exec(location.trim());
  if (!match) return undefined;
  const scheme = match[1].toLowerCase();
  const rest = match[2];
  if (scheme === 'file') {
    return canonicalFile(location.trim(), storage);
  }
  if (!rest.startsWith('//')) {
    return { store: scheme, segments: segmentsOf(pathPart(rest)) };
  }
  const afterSlashes = rest.slice(2);
  const hostEnd = afterSlashes.search(/[/?#]/);
  const host = hostEnd < 0 ? afterSlashes : afterSlashes.slice(0, hostEnd);
  const path = hostEnd < 0 ? '' : pathPart(afterSlashes.slice(hostEnd));
  // user info and port name no part of the place (`s3://x@b:1/` reads bucket b)
  const hostname = host.slice(host.lastIndexOf('@') + 1).replace(/:\d*$/, '');
  const top = decode(hostname).toLowerCase();
  const below = segmentsOf(path);
  if (scheme === 'trino') {
    return {
      store: 'trino',
      segments: [top, ...below].filter(s => s !== '').map(s => s.toLowerCase()),
    };
  }
  return {
    store: scheme === 's3' ? storage.s3Adapter : scheme,
    segments: [top, ...below].filter(s => s !== ''),
  };
}

function canonicalFile(
  location: string,
  storage: BindingStorage,
): CanonicalLocation | undefined {
  let path: string;
  try {
    path = resolve(fileURLToPath(new URL(location)));
  } catch {
    return undefined;
  }
  const root = resolve(storage.fileRoot);
  const rel = relative(root, path);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    return { store: 'file', segments: rel.split(sep).filter(Boolean) };
  }
  return { store: 'path', segments: path.split(sep).filter(Boolean) };
}

/**
 * Whether two locations share any object or table: the same store, and one path is the other or
 * a folder above it (the bucket root overlaps every folder of the bucket).
 *
 * @public
 */
export function locationsOverlap(
  a: CanonicalLocation,
  b: CanonicalLocation,
): boolean {
  if (a.store !== b.store) return false;
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    if (a.segments[i] !== b.segments[i]) return false;
  }
  return true;
}

/** Whether two locations name the same place. */
export function sameLocation(
  a: CanonicalLocation,
  b: CanonicalLocation,
): boolean {
  return (
    a.store === b.store &&
    a.segments.length === b.segments.length &&
    locationsOverlap(a, b)
  );
}

/** Whether `inner` lies strictly below `outer`. */
export function locationIsBelow(
  inner: CanonicalLocation,
  outer: CanonicalLocation,
): boolean {
  return (
    inner.segments.length > outer.segments.length &&
    locationsOverlap(inner, outer)
  );
}

/**
 * A stable text form of a canonical location, for messages and map keys
 * (`s3:kaml-datasets/sales/`).
 *
 * @public
 */
export function formatCanonicalLocation(location: CanonicalLocation): string {
  return `${location.store}:${location.segments
    .map(s => encodeURIComponent(s))
    .join('/')}/`;
}
