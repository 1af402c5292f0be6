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

/** Key ranges per listing in flight when a remote keyspace is split by sub-prefixes. */
const RANGES_PER_LISTING = 1;

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
 * request per object). Remote stores: one delimited listing finds the sub-prefixes (datasets),
 * then the keyspace is split into contiguous ranges of them, each walked by one recursive
 * listing that starts after the range's first key (`start-after`) — `concurrency` at a time,
 * each request a full page of 1000 keys, instead of one request per folder or per small
 * dataset. Local stores (directories) are
 * walked level by level, fanning out over every sub-folder.
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
  return summarizeByPrefixes(adapter, bucket, prefix, concurrency);
}

async function summarizeByPrefixes(
  adapter: StorageAdapter,
  bucket: string,
  prefix: string,
  concurrency: number,
): Promise<PrefixSummary> {
  const root = ensureFolder(prefix);
  const top = await adapter.listLevel(bucket, root);
  const total: PrefixSummary = {
    objects: 0,
    bytes: 0,
    childPrefixes: top.prefixes.length,
    listCalls: 1,
  };
  const add = (object: { size: number; lastModified?: Date }) => {
    total.objects++;
    total.bytes += object.size;
    total.lastModified = later(total.lastModified, object.lastModified);
  };
  top.objects.forEach(add);
  // The keyspace below the root, split into contiguous ranges of sub-prefixes (a few per
  // listing in flight, so that a large dataset does not leave the others idle). Each range is
  // one recursive listing from its first sub-prefix (`start-after`) to the end of its last:
  // full pages of 1000 keys, however small the datasets, instead of one request per dataset.
  const prefixes = [...top.prefixes].sort();
  const ranges = Math.min(prefixes.length, concurrency * RANGES_PER_LISTING);
  const bounds = Array.from({ length: ranges }, (_, r) => ({
    first: prefixes[Math.floor((r * prefixes.length) / ranges)],
    last: prefixes[Math.floor(((r + 1) * prefixes.length) / ranges) - 1],
  }));
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, ranges) }, async () => {
      while (next < bounds.length) {
        const { first, last } = bounds[next++];
        let objects = 0;
        // the keys of `first` are those from `first` on; start-after is exclusive, and the
        // prefix without its slash sorts before them (a folder marker `first` included)
        for await (const object of adapter.listRecursive(bucket, root, {
          startAfter: first.slice(0, -1),
        })) {
          const { key } = object;
          if (key < first) continue; // an adapter that ignored start-after, or a sibling key
          if (key > last && !key.startsWith(last)) break;
          objects++;
          // objects directly under the root were counted from the first listing
          if (key.indexOf('/', root.length) >= 0) add(object);
        }
        total.listCalls += Math.max(1, Math.ceil(objects / 1000));
      }
    }),
  );
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
