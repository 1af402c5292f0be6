import { InputError } from '@backstage/errors';

/**
 * Longest object key S3 accepts (bytes of UTF-8); the file adapter keeps the same limit.
 *
 * @public
 */
export const MAX_OBJECT_KEY_BYTES = 1024;

/**
 * Normalises a key relative to a dataset's prefix and rejects anything that could leave it:
 * `..` segments, absolute paths, backslashes, NUL and other control characters, empty keys.
 * Repeated and leading `./` segments are dropped; a trailing `/` is kept (it names a folder).
 *
 * @returns the normalised relative key, such as `2024/q1.csv`
 *
 * @public
 */
export function normaliseRelativeKey(input: string, what = 'key'): string {
  if (typeof input !== 'string' || input.length === 0) {
    throw new InputError(
      `The ${what} is empty; give the path of a file inside the dataset.`,
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(input)) {
    throw new InputError(
      `The ${what} contains a control character (such as NUL); remove it.`,
    );
  }
  if (input.includes('\\')) {
    throw new InputError(
      `The ${what} "${input}" contains a backslash; separate folders with "/".`,
    );
  }
  if (input.startsWith('/')) {
    throw new InputError(
      `The ${what} "${input}" is absolute; give a path relative to the dataset, without a leading "/".`,
    );
  }
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(input)) {
    throw new InputError(
      `The ${what} "${input}" is a URL; give a path relative to the dataset.`,
    );
  }
  const isFolder = input.endsWith('/');
  const segments: string[] = [];
  for (const segment of input.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      throw new InputError(
        `The ${what} "${input}" contains "..", which would leave the dataset; remove the ".." segments.`,
      );
    }
    segments.push(segment);
  }
  if (segments.length === 0) {
    throw new InputError(
      `The ${what} "${input}" names no file; give the path of a file inside the dataset.`,
    );
  }
  const key = segments.join('/') + (isFolder ? '/' : '');
  if (Buffer.byteLength(key, 'utf8') > MAX_OBJECT_KEY_BYTES) {
    throw new InputError(
      `The ${what} is longer than ${MAX_OBJECT_KEY_BYTES} bytes; shorten it.`,
    );
  }
  return key;
}

/**
 * Joins a dataset prefix (`finance-transactions/`) and a key relative to it, after validating
 * the key; the result always starts with the prefix.
 *
 * @public
 */
export function keyUnderPrefix(
  prefix: string,
  relativeKey: string,
  what = 'key',
): string {
  const key = `${ensureFolder(prefix)}${normaliseRelativeKey(
    relativeKey,
    what,
  )}`;
  if (!key.startsWith(ensureFolder(prefix))) {
    // unreachable after normalisation; kept as a last guard
    throw new InputError(`The ${what} "${relativeKey}" leaves the dataset.`);
  }
  return key;
}

/**
 * `a/b` → `a/b/`; a prefix that already ends with `/` and the empty prefix (the bucket root)
 * are returned as they are.
 *
 * @public
 */
export function ensureFolder(prefix: string): string {
  if (prefix === '' || prefix.endsWith('/')) return prefix;
  return `${prefix}/`;
}

/**
 * Bucket names as S3 allows them: 3–63 of lowercase letters, digits, dots and hyphens.
 *
 * @public
 */
export function validateBucketName(bucket: string): string {
  if (
    !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) ||
    bucket.includes('..')
  ) {
    throw new InputError(
      `"${bucket}" is not a valid bucket name; use 3 to 63 lowercase letters, digits, dots and hyphens.`,
    );
  }
  return bucket;
}

/**
 * Whether a folder name is hidden from datasets: a name starting with `.`, such as the snapshot
 * store `.kaml-d-snapshots`, the partial uploads `.kaml-partial-*` or `.git`. Such a folder is
 * never discovered, registered or uploaded to as a dataset, and data routes never serve one.
 * Accepts a name with or without its trailing `/`.
 *
 * @public
 */
export function isHiddenDatasetFolder(name: string): boolean {
  return name.startsWith('.');
}

/**
 * The first hidden folder (see {@link isHiddenDatasetFolder}) on a bucket-relative prefix such
 * as `.kaml-d-snapshots/blobs/` or `sales/.staging/`, or `undefined` when it has none.
 *
 * @public
 */
export function hiddenFolderOf(prefix: string): string | undefined {
  return prefix
    .split('/')
    .find(segment => segment !== '' && isHiddenDatasetFolder(segment));
}
