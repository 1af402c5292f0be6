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
 * then each is walked by its own recursive listing, `concurrency` at a time — one request per
 * 1000 keys of a dataset plus one, instead of one per folder. Local stores (directories) are
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
  let next = 0;
  await Promise.all(
    Array.from(
      { length: Math.min(concurrency, top.prefixes.length) },
      async () => {
        while (next < top.prefixes.length) {
          const child = top.prefixes[next++];
          let objects = 0;
          for await (const object of adapter.listRecursive(bucket, child)) {
            objects++;
            add(object);
          }
          total.listCalls += Math.max(1, Math.ceil(objects / 1000));
        }
      },
    ),
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
