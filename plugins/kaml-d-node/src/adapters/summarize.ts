import { StorageAdapter } from '../storage';
import { ensureFolder } from './keys';
import { countObject, emptySummary, PrefixSummary } from './prefixSummary';
import { summarizeByLevels } from './summarizeByLevels';
import { summarizeByRanges } from './summarizeByRanges';

export type { PrefixSummary } from './prefixSummary';
export { compareKeys, keyBetween, rangeListingPrefix } from './keyOrder';

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
  const total = emptySummary(1);
  const children = new Set<string>();
  for await (const object of adapter.listRecursive(bucket, root)) {
    countObject(total, object);
    const rest = object.key.slice(root.length);
    const slash = rest.indexOf('/');
    if (slash > 0) children.add(rest.slice(0, slash));
  }
  total.childPrefixes = children.size;
  return total;
}
