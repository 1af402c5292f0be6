import { StorageAdapter, StorageObjectInfo } from '../storage';
import { ensureFolder } from './keys';
import { compareKeys, firstAfter, mergeSorted } from './keyOrder';
import { countObject, emptySummary, PrefixSummary } from './prefixSummary';

/** Keys a listing page holds (the S3 maximum): a range that has listed this many is worth splitting. */
export const PAGE_KEYS = 1000;
/**
 * Keys a range must be expected to hold still for a split: each range ends by listing a page that
 * runs into the next range, so splitting a short range costs more than it saves.
 */
export const MIN_SPLIT_KEYS = 4 * PAGE_KEYS;
/** Entries asked for when one level of a folder is listed to find split points. */
const PROBE_ENTRIES = 1000;

/** Keys `k` with `after < k <= until` (`until` undefined: to the end of the prefix). */
export interface KeyRange {
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

/** What the listings of one summary by key ranges share. */
export interface RangeWalk {
  adapter: StorageAdapter;
  bucket: string;
  /** The summarised prefix as a folder. */
  root: string;
  total: PrefixSummary;
  /** Sub-prefixes known so far (any folder depth), in listing order: the split points. */
  bounds: string[];
  /** Per folder listed for split points: the last entry seen, or true once listed to its end. */
  probed: Map<string, string | true>;
  /** Listings for split points in flight, by folder. */
  probing: Map<string, Promise<void>>;
  /** Names of the sub-prefixes directly below the root that hold a counted key. */
  children: Set<string>;
}

export function createRangeWalk(
  adapter: StorageAdapter,
  bucket: string,
  prefix: string,
): RangeWalk {
  return {
    adapter,
    bucket,
    root: ensureFolder(prefix),
    total: emptySummary(0),
    bounds: [],
    probed: new Map(),
    probing: new Map(),
    children: new Set(),
  };
}

/** Lists one page of the folder's level after `after`; its sub-prefixes become split points. */
export function probe(
  walk: RangeWalk,
  folder: string,
  after: string,
): Promise<void> {
  const running = walk.probing.get(folder);
  if (running) return running;
  const task = (async () => {
    const level = await walk.adapter.listLevel(walk.bucket, folder, {
      startAfter: after || undefined,
      limit: PROBE_ENTRIES,
    });
    walk.total.listCalls++;
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
    walk.bounds = mergeSorted(
      walk.bounds,
      level.prefixes.filter(p => compareKeys(p, after) > 0),
    );
    // a page without sub-folders: a folder of objects, split by key rather than listed ahead
    walk.probed.set(
      folder,
      complete || !level.prefixes.length ? true : seen[seen.length - 1],
    );
  })().finally(() => walk.probing.delete(folder));
  walk.probing.set(folder, task);
  return task;
}

export function newRange(after: string, until: string | undefined): KeyRange {
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

/** Up to `listings` contiguous ranges covering the root, cut at evenly spread known split points. */
export function firstRanges(walk: RangeWalk, listings: number): KeyRange[] {
  const { bounds } = walk;
  const first = Math.min(listings, bounds.length + 1);
  const ranges: KeyRange[] = [];
  let lower = '';
  for (let r = 1; r <= first; r++) {
    const upper =
      r === first ? undefined : bounds[Math.floor((r * bounds.length) / first)];
    ranges.push(newRange(lower, upper));
    lower = upper ?? '';
  }
  return ranges;
}

/** Indexes [from, to) of the known sub-prefixes inside the rest of `range`. */
export function boundsInside(walk: RangeWalk, range: KeyRange) {
  const from = firstAfter(walk.bounds, range.position);
  let to = walk.bounds.length;
  if (range.until !== undefined) {
    to = firstAfter(walk.bounds, range.until);
    if (to > 0 && walk.bounds[to - 1] === range.until) to--;
  }
  return { from, to };
}

/**
 * The middle known sub-prefix inside the rest of `range`, when the rest is expected to hold
 * MIN_SPLIT_KEYS keys or more: from the keys the range listed per sub-prefix it passed, or
 * before it passed any, from the keys per dataset counted so far by all ranges (a range inside
 * a folder of a page or more of keys is expected to be long).
 */
export function knownSplit(
  walk: RangeWalk,
  range: KeyRange,
): string | undefined {
  const { from, to } = boundsInside(walk, range);
  if (from >= to) return undefined;
  const passed = from - firstAfter(walk.bounds, range.after);
  let perBound = Infinity;
  if (passed > 0) perBound = range.listed / passed;
  else if (range.inTop < PAGE_KEYS)
    perBound = walk.total.objects / Math.max(1, walk.children.size);
  return (to - from) * perBound >= MIN_SPLIT_KEYS
    ? walk.bounds[(from + to - 1) >> 1]
    : undefined;
}

/** Splits the rest of `range` at `at` (position < at < until): the upper part is returned. */
export function splitRange(range: KeyRange, at: string): KeyRange | undefined {
  if (range.done) return undefined;
  if (compareKeys(at, range.position) <= 0) return undefined;
  if (range.until !== undefined && compareKeys(at, range.until) >= 0)
    return undefined;
  const upper = newRange(at, range.until);
  range.until = at;
  return upper;
}

/**
 * Counts a key the range listed inside its bounds: into the totals and the root's children, and
 * into the range's position and the keys it counted in its current folders.
 */
export function countInRange(
  walk: RangeWalk,
  range: KeyRange,
  object: StorageObjectInfo,
): void {
  const { root } = walk;
  const { key } = object;
  range.position = key;
  countObject(walk.total, object);
  const slash = key.indexOf('/', root.length);
  if (slash > root.length) walk.children.add(key.slice(root.length, slash));
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
}
