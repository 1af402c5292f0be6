import { CacheService } from '@backstage/backend-plugin-api';
import { DatasetSource, QueryResult } from '@kaml-d/plugin-kaml-d-node';
import { createHash } from 'node:crypto';

/** How long a preview answer stays in the cache (it is keyed by the objects' versions). */
export const PREVIEW_CACHE_SECONDS = 600;
/** Larger answers (serialised) are not cached: they would crowd out the others. */
export const PREVIEW_CACHE_MAX_BYTES = 2 * 1024 * 1024;
/** A dataset with more objects than this is not fingerprinted: its previews are not cached. */
const MAX_FINGERPRINT_OBJECTS = 10_000;

/**
 * Previews of data that did not change, answered from Backstage's cache service (shared by every
 * replica) instead of the engine. The key holds what decides the answer: the engine, the dataset
 * and its location and format, the row limit, and the version of the data — for a dataset as it
 * is now, a digest of every object's key, size, ETag and modification time (one listing, which the
 * engine needs anyway); for a snapshot, its id (a snapshot never changes). A Trino table has no
 * version the backend can see, so its previews are not cached. Identical previews asked for at the
 * same time on one replica share one engine read.
 *
 * The permission check happens before: the cache only ever answers a caller who may preview the
 * dataset, and the answer does not depend on who asks (there are no per-column grants).
 */
export interface PreviewCache {
  preview(
    key: { engine: string; entityRef: string; maxRows: number },
    source: DatasetSource,
    read: () => Promise<QueryResult>,
  ): Promise<QueryResult>;
}

/**
 * Runs a cache call; a cache that is down (or answers nothing) costs the speed-up, never the
 * answer.
 */
export async function safely<T>(
  call: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await call();
  } catch {
    return undefined;
  }
}

/** What the data of `source` is now, or `undefined` when that cannot be told cheaply. */
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

/** Creates the {@link PreviewCache}; `enabled: false` reads the engine every time. */
export function createPreviewCache(options: {
  cache: CacheService;
  enabled?: boolean;
  ttlSeconds?: number;
}): PreviewCache {
  const { cache, enabled = true } = options;
  const ttl = { seconds: options.ttlSeconds ?? PREVIEW_CACHE_SECONDS };
  const inFlight = new Map<string, Promise<QueryResult>>();

  return {
    async preview(key, source, read) {
      if (!enabled) return read();
      const version = await dataVersionOf(source);
      if (version === undefined) return read();
      const where =
        source.kind === 'objects'
          ? [source.format, source.bucket, source.prefix]
          : [];
      const cacheKey = `preview:v1:${createHash('sha256')
        .update(
          JSON.stringify([
            key.engine,
            key.entityRef,
            key.maxRows,
            ...where,
            version,
          ]),
        )
        .digest('hex')}`;
      // a cache that is down costs the speed-up, not the preview
      const cached = (await safely(() => cache.get(cacheKey))) as
        | QueryResult
        | undefined;
      if (cached) return cached;
      const pending = inFlight.get(cacheKey);
      if (pending) return pending;
      const reading = (async () => {
        const result = await read();
        const text = JSON.stringify(result);
        if (text.length <= PREVIEW_CACHE_MAX_BYTES) {
          await safely(() => cache.set(cacheKey, JSON.parse(text), { ttl }));
        }
        return result;
      })();
      inFlight.set(cacheKey, reading);
      try {
        return await reading;
      } finally {
        inFlight.delete(cacheKey);
      }
    },
  };
}
