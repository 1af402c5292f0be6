import { CacheService } from '@backstage/backend-plugin-api';
import { DatasetSource, QueryResult } from '@kaml-d/plugin-kaml-d-node';
import { createSharedAnswers, dataVersionOf } from './versionedCache';

/** How long a preview answer stays in the cache (it is keyed by the objects' versions). */
export const PREVIEW_CACHE_SECONDS = 600;
/** Larger answers (serialised) are not cached: they would crowd out the others. */
export const PREVIEW_CACHE_MAX_BYTES = 2 * 1024 * 1024;

/**
 * Previews of data that did not change, answered from Backstage's cache service (shared by every
 * replica) instead of the engine. The key holds what decides the answer: the engine, the dataset
 * and its location and format, the row limit, and the version of the data
 * ({@link dataVersionOf}). A Trino table has no version the backend can see, so its previews are
 * not cached. Identical previews asked for at the
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

/** Creates the {@link PreviewCache}; `enabled: false` reads the engine every time. */
export function createPreviewCache(options: {
  cache: CacheService;
  enabled?: boolean;
  ttlSeconds?: number;
}): PreviewCache {
  const { enabled = true } = options;
  const ttlSeconds = options.ttlSeconds ?? PREVIEW_CACHE_SECONDS;
  const answers = createSharedAnswers<QueryResult>({
    cache: options.cache,
    prefix: 'preview:v1',
    maxChars: PREVIEW_CACHE_MAX_BYTES,
  });

  return {
    async preview(key, source, read) {
      if (!enabled) return read();
      const version = await dataVersionOf(source);
      if (version === undefined || source.kind !== 'objects') return read();
      return answers(
        [
          key.engine,
          key.entityRef,
          key.maxRows,
          source.format,
          source.bucket,
          source.prefix,
          version,
        ],
        ttlSeconds,
        read,
      );
    },
  };
}
