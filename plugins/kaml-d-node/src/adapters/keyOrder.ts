/** Key order as S3 lists it, and the split points between keys that ranges are cut at. */

/** Characters a synthetic split point is made of when a folder has no sub-folders (printable ASCII). */
const FIRST_CHAR = 0x20;
const CHAR_SPAN = 0x5f;
/** Characters after the common start of two keys a synthetic split point spans. */
const SPLIT_DEPTH = 12;

/**
 * Orders keys the way S3 lists them (by UTF-8 bytes, i.e. by code point), which JavaScript's `<`
 * (UTF-16 code units) gets wrong only for astral characters against U+E000–U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        const xs = x <= 0xdfff;
        const ys = y <= 0xdfff;
        if (xs !== ys) return xs ? 1 : -1; // a surrogate starts a code point above U+FFFF
      }
      return x - y;
    }
  }
  return a.length - b.length;
}

/**
 * The prefix to list the keys `k` with `after < k <= until` under: the longest start `after` and
 * `until` share (every key between two keys starts with what they share), cut back to its last
 * `/` unless the store lists by any key start (`anyPrefix`), and at least `root`. A listing under
 * it asks the store to walk no further than the range can reach: MinIO walks a listing's whole
 * prefix ahead of the pages asked for, so a range listed under the root alone makes it walk every
 * key after the range too.
 */
export function rangeListingPrefix(
  root: string,
  after: string,
  until: string | undefined,
  anyPrefix: boolean,
): string {
  if (until === undefined || !after.startsWith(root) || !until.startsWith(root))
    return root;
  let shared = 0;
  const n = Math.min(after.length, until.length);
  while (shared < n && after.charCodeAt(shared) === until.charCodeAt(shared))
    shared++;
  if (!anyPrefix) shared = after.lastIndexOf('/', shared - 1) + 1;
  // never end between the two halves of a surrogate pair
  const last = after.charCodeAt(shared - 1);
  if (shared > root.length && last >= 0xd800 && last <= 0xdbff) shared--;
  return shared > root.length ? after.slice(0, shared) : root;
}

/**
 * A key strictly between `lo` and `hi` in listing order, near the middle when both are made of
 * printable ASCII after their common start; undefined when none is found.
 */
export function keyBetween(lo: string, hi: string): string | undefined {
  if (compareKeys(lo, hi) >= 0) return undefined;
  let common = 0;
  while (
    common < lo.length &&
    common < hi.length &&
    lo.charCodeAt(common) === hi.charCodeAt(common)
  ) {
    common++;
  }
  // the next SPLIT_DEPTH characters of each as a number in base CHAR_SPAN + 1, digit 0 being
  // "no more characters"; the midpoint of the two numbers, written back as characters
  const base = BigInt(CHAR_SPAN + 1);
  const digits = (key: string) => {
    let value = 0n;
    for (let i = 0; i < SPLIT_DEPTH; i++) {
      const code = key.charCodeAt(common + i);
      const digit = Number.isNaN(code)
        ? 0
        : Math.min(CHAR_SPAN, Math.max(1, code - FIRST_CHAR + 1));
      value = value * base + BigInt(digit);
    }
    return value;
  };
  let mid = (digits(lo) + digits(hi)) / 2n;
  const chars: string[] = [];
  for (let i = 0; i < SPLIT_DEPTH; i++) {
    chars.unshift(String.fromCharCode(FIRST_CHAR - 1 + Number(mid % base)));
    mid /= base;
  }
  // a 0 digit ("no more characters") ends the candidate; later digits no longer matter
  const tail = chars.join('');
  const end = tail.indexOf(String.fromCharCode(FIRST_CHAR - 1));
  const candidate = hi.slice(0, common) + (end < 0 ? tail : tail.slice(0, end));
  // no room at that depth, or characters outside printable ASCII: no split
  return compareKeys(lo, candidate) < 0 && compareKeys(candidate, hi) < 0
    ? candidate
    : undefined;
}

/** Inserts `keys` into the sorted, duplicate-free `sorted`. */
export function mergeSorted(sorted: string[], keys: string[]): string[] {
  if (!keys.length) return sorted;
  const all = [...sorted, ...keys].sort(compareKeys);
  return all.filter((key, i) => i === 0 || key !== all[i - 1]);
}

/** Index of the first key of `sorted` greater than `key`. */
export function firstAfter(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(sorted[mid], key) > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
