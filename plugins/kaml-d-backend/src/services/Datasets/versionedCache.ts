import { CacheService } from '@backstage/backend-plugin-api';
import { JsonValue } from '@backstage/types';
import { DatasetSource } from '@kaml-d/plugin-kaml-d-node';
import { createHash } from 'node:crypto';

/** A dataset with more objects than this is not fingerprinted: its answers are not cached. */
const MAX_FINGERPRINT_OBJECTS = 10_000;

/**
 * What the data of `source` is now, or `undefined` when that cannot be told cheaply: for a
 * dataset as it is now, a digest of every object's key, size, ETag and modification time (one
 * listing, which the engine needs anyway); for a snapshot, its id (a snapshot never changes). A
 * Trino table has no version the backend can see.
 */
export async function dataVersionOf(
  source: DatasetSource,
): Promise<string | undefined> {
  if (source.kind !== 'objects') return undefined;
  if (source.snapshotId) return `snapshot:${source.snapshotId}`;
  const hash = createHash('sha256');
  let count = 0;
  for await (const o of source.storage.listRecursive(
    source.bucket,
    source.prefix,
  )) {
    if (++count > MAX_FINGERPRINT_OBJECTS) return undefined;
    hash.update(
      JSON.stringify([
        o.key,
        o.size,
        o.etag ?? '',
        o.lastModified?.getTime() ?? 0,
      ]),
    );
  }
  return `objects:${count}:${hash.digest('hex')}`;
}

/**
 * Answers computed once per key: from Backstage's cache service (shared by every replica) when
 * it holds the key, else by `compute`, which identical calls on this replica share while it runs.
 * A cache that is down (or answers nothing) costs the speed-up, never the answer. Answers whose
 * JSON is longer than `maxChars` are not kept.
 */
export function createSharedAnswers<T>(options: {
  cache: CacheService;
  /** Namespaces the keys, such as `preview:v1`. */
  prefix: string;
  maxChars?: number;
}) {
  const { cache, prefix, maxChars = Infinity } = options;
  const inFlight = new Map<string, Promise<T>>();
  return async function answer(
    parts: JsonValue[],
    ttlSeconds: number,
    compute: () => Promise<T>,
  ): Promise<T> {
    const key = `${prefix}:${createHash('sha256')
      .update(JSON.stringify(parts))
      .digest('hex')}`;
    try {
      const cached = await cache.get(key);
      if (cached !== undefined) return cached as T;
    } catch {
      // the cache is down: compute
    }
    const pending = inFlight.get(key);
    if (pending) return pending;
    const computing = (async () => {
      const value = await compute();
      const text = JSON.stringify(value);
      if (text.length <= maxChars) {
        try {
          await cache.set(key, JSON.parse(text), {
            ttl: { seconds: ttlSeconds },
          });
        } catch {
          // not kept: the next call computes again
        }
      }
      return value;
    })();
    inFlight.set(key, computing);
    try {
      return await computing;
    } finally {
      inFlight.delete(key);
    }
  };
}
