import { StorageAdapter } from '../storage';
import { ensureFolder } from './keys';

/**
 * Objects, bytes and the latest modification under a prefix.
 *
 * @public
 */
export interface PrefixSummary {
  objects: number;
  bytes: number;
  lastModified?: Date;
  /** Sub-prefixes directly below the summarised prefix (datasets, for a bucket root). */
  childPrefixes: number;
  /** Listing calls made (one per level and page group); never one per object. */
  listCalls: number;
}

/** Keys a listing page holds (the S3 maximum): a range that has listed this many is worth splitting. */
const PAGE_KEYS = 1000;
/**
 * Keys a range must be expected to hold still for a split: each range ends by listing a page that
 * runs into the next range, so splitting a short range costs more than it saves.
 */
const MIN_SPLIT_KEYS = 4 * PAGE_KEYS;
/** Entries asked for when one level of a folder is listed to find split points. */
const PROBE_ENTRIES = 1000;
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

/** Runs at most `limit` tasks at once; tasks may enqueue more while running. */
function createLimiter(limit: number) {
  let active = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    if (active >= limit) return;
    const start = queue.shift();
    if (start) {
      active++;
      start();
    }
  };
  return <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolvePromise, reject) => {
      queue.push(() => {
        task()
          .then(resolvePromise, reject)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
}

function later(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

/**
 * Summarises a prefix with `concurrency` listings in flight, sizes taken from the listings (no
 * request per object). Remote stores: the keyspace below the prefix is split into contiguous key
 * ranges, each walked by one recursive listing from its lower bound (`start-after`), full pages of
 * 1000 keys. The first split points are the sub-prefixes (datasets) of one delimited listing; when
 * a listing runs out of ranges while another range is still long, that range is split again at a
 * sub-folder found by a one-page delimited listing of the folder it is in (or, in a folder without
 * sub-folders, at a key between its position and its end), so that one big dataset does not leave
 * the other listings idle. Local stores (directories) are walked level by level, fanning out over
 * every sub-folder.
 *
 * @public
 */
export async function summarizePrefixParallel(
  adapter: StorageAdapter,
  bucket: string,
  prefix: string,
  concurrency: number,
): Promise<PrefixSummary> {
  if (adapter.localPath)
    return summarizeByLevels(adapter, bucket, prefix, concurrency);
  return summarizeByRanges(adapter, bucket, prefix, concurrency);
}

/** Keys `k` with `after < k <= until` (`until` undefined: to the end of the prefix). */
interface KeyRange {
  after: string;
  until?: string;
  /** Last key counted so far (`after` before the first one). */
  position: string;
  /** Keys listed so far, counted or not. */
  listed: number;
  /** The folder directly below the root the position is in, and keys counted in it so far. */
  top: string;
  inTop: number;
  /** The folder the position is in, and keys counted in it so far. */
  folder: string;
  inFolder: number;
  /** Set once its listing is over. */
  done: boolean;
}

/** Inserts `keys` into the sorted, duplicate-free `sorted`. */
function mergeSorted(sorted: string[], keys: string[]): string[] {
  if (!keys.length) return sorted;
  const all = [...sorted, ...keys].sort(compareKeys);
  return all.filter((key, i) => i === 0 || key !== all[i - 1]);
}

/** Index of the first key of `sorted` greater than `key`. */
function firstAfter(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(sorted[mid], key) > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

async function summarizeByRanges(
  adapter: StorageAdapter,
  bucket: string,
  prefix: string,
  concurrency: number,
): Promise<PrefixSummary> {
  const root = ensureFolder(prefix);
  const listings = Math.max(1, Math.floor(concurrency));
  const total: PrefixSummary = {
    objects: 0,
    bytes: 0,
    childPrefixes: 0,
    listCalls: 0,
  };
  // sub-prefixes known so far (any folder depth), in listing order: the split points
  let bounds: string[] = [];
  // per folder listed for split points: the last entry seen, or true once listed to its end
  const probed = new Map<string, string | true>();
  const probing = new Map<string, Promise<void>>();

  /** Lists one page of the folder's level after `after`; its sub-prefixes become split points. */
  const probe = (folder: string, after: string): Promise<void> => {
    const running = probing.get(folder);
    if (running) return running;
    const task = (async () => {
      const level = await adapter.listLevel(bucket, folder, {
        startAfter: after || undefined,
        limit: PROBE_ENTRIES,
      });
      total.listCalls++;
      const entries = [
        ...level.prefixes,
        ...level.objects.map(o => o.key),
      ].filter(key => compareKeys(key, after) > 0);
      entries.sort(compareKeys);
      // an adapter that ignored the limit listed the whole level
      const complete =
        level.prefixes.length + level.objects.length < PROBE_ENTRIES ||
        entries.length > PROBE_ENTRIES;
      const seen = entries.slice(0, PROBE_ENTRIES);
      bounds = mergeSorted(
        bounds,
        level.prefixes.filter(p => compareKeys(p, after) > 0),
      );
      // a page without sub-folders: a folder of objects, split by key rather than listed ahead
      probed.set(
        folder,
        complete || !level.prefixes.length ? true : seen[seen.length - 1],
      );
    })().finally(() => probing.delete(folder));
    probing.set(folder, task);
    return task;
  };

  const children = new Set<string>();
  const add = (object: { key: string; size: number; lastModified?: Date }) => {
    total.objects++;
    total.bytes += object.size;
    total.lastModified = later(total.lastModified, object.lastModified);
    const slash = object.key.indexOf('/', root.length);
    if (slash > root.length) children.add(object.key.slice(root.length, slash));
  };

  function newRange(after: string, until: string | undefined): KeyRange {
    return {
      after,
      until,
      position: after,
      listed: 0,
      done: false,
      top: '',
      inTop: 0,
      folder: '',
      inFolder: 0,
    };
  }

  // the first split points: the sub-prefixes (datasets) of the first page of the root level
  await probe(root, '');
  const first = Math.min(listings, bounds.length + 1);
  const queue: KeyRange[] = [];
  let lower = '';
  for (let r = 1; r <= first; r++) {
    const upper =
      r === first ? undefined : bounds[Math.floor((r * bounds.length) / first)];
    queue.push(newRange(lower, upper));
    lower = upper ?? '';
  }

  const active = new Set<KeyRange>();
  let failed = false;
  let waiting: Array<() => void> = [];
  const notify = () => {
    const wake = waiting;
    waiting = [];
    wake.forEach(resolve => resolve());
  };
  const nextEvent = () =>
    new Promise<void>(resolve => {
      waiting.push(resolve);
    });

  /** Indexes [from, to) of the known sub-prefixes inside the rest of `range`. */
  const boundsInside = (range: KeyRange) => {
    const from = firstAfter(bounds, range.position);
    let to = bounds.length;
    if (range.until !== undefined) {
      to = firstAfter(bounds, range.until);
      if (to > 0 && bounds[to - 1] === range.until) to--;
    }
    return { from, to };
  };

  /**
   * The middle known sub-prefix inside the rest of `range`, when the rest is expected to hold
   * MIN_SPLIT_KEYS keys or more: from the keys the range listed per sub-prefix it passed, or
   * before it passed any, from the keys per dataset counted so far by all ranges (a range inside
   * a folder of a page or more of keys is expected to be long).
   */
  const knownSplit = (range: KeyRange): string | undefined => {
    const { from, to } = boundsInside(range);
    if (from >= to) return undefined;
    const passed = from - firstAfter(bounds, range.after);
    let perBound = Infinity;
    if (passed > 0) perBound = range.listed / passed;
    else if (range.inTop < PAGE_KEYS)
      perBound = total.objects / Math.max(1, children.size);
    return (to - from) * perBound >= MIN_SPLIT_KEYS
      ? bounds[(from + to - 1) >> 1]
      : undefined;
  };

  /** Splits the rest of `range` at `at` (position < at < until): the upper part is returned. */
  const split = (range: KeyRange, at: string): KeyRange | undefined => {
    if (range.done) return undefined;
    if (compareKeys(at, range.position) <= 0) return undefined;
    if (range.until !== undefined && compareKeys(at, range.until) >= 0)
      return undefined;
    const upper = newRange(at, range.until);
    range.until = at;
    return upper;
  };

  /** Work for an idle listing: part of the range most worth splitting, or undefined. */
  const steal = async (): Promise<KeyRange | undefined> => {
    // ranges that have listed a full page are likely to go on; the longest listed first
    const victims = [...active]
      .filter(r => !r.done && r.listed >= PAGE_KEYS)
      .sort((a, b) => b.listed - a.listed);
    for (const victim of victims) {
      // a range a page or more into one dataset: its sub-folders are the split points to use
      // before the datasets after it
      if (
        victim.inTop >= PAGE_KEYS &&
        victim.top !== root &&
        !probed.has(victim.top)
      ) {
        await probe(victim.top, victim.position);
      }
      const known = knownSplit(victim);
      if (known) return split(victim, known);
    }
    // no known sub-prefix inside any: look for some in the rest of the longest range whose
    // rest is unknown territory (past the sub-prefixes of the root listed so far) or a big folder
    const victim = victims.find(r => {
      const { from, to } = boundsInside(r);
      return from >= to;
    });
    if (!victim) return undefined;
    // list, for split points, the folders its position is in, outermost first, each from that
    // position on (one page), until one has a sub-folder inside; folders below the root only
    // once a page of keys has been counted in the one below the root
    const position = victim.position;
    const folders = [root];
    if (victim.inTop >= PAGE_KEYS) {
      for (
        let slash = position.indexOf('/', root.length);
        slash >= 0;
        slash = position.indexOf('/', slash + 1)
      ) {
        folders.push(position.slice(0, slash + 1));
      }
    }
    for (const folder of folders) {
      if (victim.done) return undefined;
      const seen = probed.get(folder);
      const pending =
        seen === undefined ||
        (seen !== true &&
          (victim.until === undefined || compareKeys(seen, victim.until) < 0));
      if (pending) {
        await probe(
          folder,
          seen === undefined || compareKeys(seen, position) < 0
            ? position
            : seen,
        );
        const known = knownSplit(victim);
        if (known) return split(victim, known);
      }
    }
    if (victim.done || victim.inFolder < MIN_SPLIT_KEYS) return undefined;
    // a folder of objects only: a key half-way between its position and its end
    const folderEnd = `${position.slice(
      0,
      position.lastIndexOf('/') + 1,
    )}\u007f`;
    const end =
      victim.until !== undefined && compareKeys(victim.until, folderEnd) < 0
        ? victim.until
        : folderEnd;
    const at = keyBetween(victim.position, end);
    return at ? split(victim, at) : undefined;
  };

  /** Keeps count of the keys the range has counted in its current folders. */
  const track = (range: KeyRange, key: string) => {
    const slash = key.indexOf('/', root.length);
    const top = slash < 0 ? root : key.slice(0, slash + 1);
    if (top === range.top) range.inTop++;
    else {
      range.top = top;
      range.inTop = 1;
    }
    const folder = key.slice(0, key.lastIndexOf('/') + 1);
    if (folder === range.folder) range.inFolder++;
    else {
      range.folder = folder;
      range.inFolder = 1;
    }
  };

  const listRange = async (range: KeyRange) => {
    let listed = 0;
    try {
      for await (const object of adapter.listRecursive(
        bucket,
        rangeListingPrefix(
          root,
          range.after,
          range.until,
          adapter.listsAnyPrefix === true,
        ),
        range.after ? { startAfter: range.after } : undefined,
      )) {
        listed++;
        range.listed++;
        if (range.listed % PAGE_KEYS === 0) notify();
        const { key } = object;
        // an adapter that ignored start-after starts from the beginning
        if (compareKeys(key, range.after) <= 0) continue;
        if (range.until !== undefined && compareKeys(key, range.until) > 0)
          break;
        range.position = key;
        add(object);
        track(range, key);
        if (failed) break;
      }
    } finally {
      total.listCalls += Math.max(1, Math.ceil(listed / PAGE_KEYS));
    }
  };

  const worker = async () => {
    while (!failed) {
      const range = queue.shift() ?? (await steal());
      if (!range) {
        if (!active.size && !queue.length) return;
        await nextEvent();
        continue;
      }
      active.add(range);
      try {
        await listRange(range);
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        range.done = true;
        active.delete(range);
        notify();
      }
    }
  };
  await Promise.all(Array.from({ length: listings }, worker));
  total.childPrefixes = children.size;
  return total;
}

async function summarizeByLevels(
  adapter: StorageAdapter,
  bucket: string,
  prefix: string,
  concurrency: number,
): Promise<PrefixSummary> {
  const limit = createLimiter(concurrency);
  const total: PrefixSummary = {
    objects: 0,
    bytes: 0,
    childPrefixes: 0,
    listCalls: 0,
  };
  const root = ensureFolder(prefix);

  const visit = async (levelPrefix: string): Promise<void> => {
    const level = await limit(() => adapter.listLevel(bucket, levelPrefix));
    total.listCalls++;
    if (levelPrefix === root) total.childPrefixes = level.prefixes.length;
    for (const object of level.objects) {
      total.objects++;
      total.bytes += object.size;
      total.lastModified = later(total.lastModified, object.lastModified);
    }
    await Promise.all(level.prefixes.map(visit));
  };
  await visit(root);
  return total;
}

/**
 * The baseline: one recursive listing walked page after page. Same figures as
 * {@link summarizePrefixParallel}, without parallelism.
 *
 * @public
 */
export async function summarizePrefixSequential(
  adapter: StorageAdapter,
  bucket: string,
  prefix: string,
): Promise<PrefixSummary> {
  const root = ensureFolder(prefix);
  const total: PrefixSummary = {
    objects: 0,
    bytes: 0,
    childPrefixes: 0,
    listCalls: 1,
  };
  const children = new Set<string>();
  for await (const object of adapter.listRecursive(bucket, root)) {
    total.objects++;
    total.bytes += object.size;
    total.lastModified = later(total.lastModified, object.lastModified);
    const rest = object.key.slice(root.length);
    const slash = rest.indexOf('/');
    if (slash > 0) children.add(rest.slice(0, slash));
  }
  total.childPrefixes = children.size;
  return total;
}
