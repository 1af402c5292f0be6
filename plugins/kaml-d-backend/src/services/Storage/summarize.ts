import { StorageAdapter } from '@kaml-d/plugin-kaml-d-node';
import { ensureFolder } from './keys';

/**
 * Objects, bytes and the latest modification under a prefix.
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
 * Summarises a prefix by listing it level by level with `/` as delimiter and fanning out over
 * the sub-prefixes, `concurrency` listings in flight at once. Sizes come from the listings:
 * no request per object.
 */
export async function summarizePrefixParallel(
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
