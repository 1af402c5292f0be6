import { StorageAdapter } from '../storage';
import { compareKeys, rangeListingPrefix } from './keyOrder';
import {
  countInRange,
  createRangeWalk,
  firstRanges,
  KeyRange,
  PAGE_KEYS,
  probe,
  RangeWalk,
} from './keyRanges';
import { PrefixSummary } from './prefixSummary';
import { stealWork } from './rangeSplitting';

/**
 * Walks one range with one recursive listing from its lower bound, counting its keys until its
 * upper bound (which a split may lower meanwhile); `onPage` after every full page listed. Stops
 * early once `stopped` says another listing failed.
 */
async function listRange(
  walk: RangeWalk,
  range: KeyRange,
  onPage: () => void,
  stopped: () => boolean,
): Promise<void> {
  const { adapter, bucket, root } = walk;
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
      if (range.listed % PAGE_KEYS === 0) onPage();
      const { key } = object;
      // an adapter that ignored start-after starts from the beginning
      if (compareKeys(key, range.after) <= 0) continue;
      if (range.until !== undefined && compareKeys(key, range.until) > 0) break;
      countInRange(walk, range, object);
      if (stopped()) break;
    }
  } finally {
    walk.total.listCalls += Math.max(1, Math.ceil(listed / PAGE_KEYS));
  }
}

/**
 * A remote store's prefix summarised by `concurrency` listings over contiguous key ranges: the
 * first cut at the sub-prefixes of one delimited listing of the root, then each idle listing
 * takes the next queued range or splits an active one (see {@link stealWork}), waiting for a
 * page or a range to end when there is nothing to take. The first failed listing fails it.
 */
export async function summarizeByRanges(
  adapter: StorageAdapter,
  bucket: string,
  prefix: string,
  concurrency: number,
): Promise<PrefixSummary> {
  const walk = createRangeWalk(adapter, bucket, prefix);
  const listings = Math.max(1, Math.floor(concurrency));

  // the first split points: the sub-prefixes (datasets) of the first page of the root level
  await probe(walk, walk.root, '');
  const queue = firstRanges(walk, listings);

  const active = new Set<KeyRange>();
  let failed = false;
  const stopped = () => failed;
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

  const worker = async () => {
    while (!failed) {
      const range = queue.shift() ?? (await stealWork(walk, active));
      if (!range) {
        if (!active.size && !queue.length) return;
        await nextEvent();
        continue;
      }
      active.add(range);
      try {
        await listRange(walk, range, notify, stopped);
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
  walk.total.childPrefixes = walk.children.size;
  return walk.total;
}
