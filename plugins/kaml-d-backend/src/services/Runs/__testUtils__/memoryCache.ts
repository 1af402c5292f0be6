import { CacheService } from '@backstage/backend-plugin-api';

/** An in-memory CacheService honouring `defaultTtl` and per-set `ttl` (milliseconds or {seconds}). */
export function memoryCache(
  store = new Map<string, { value: unknown; until: number }>(),
  defaultTtlMs = 60_000,
): CacheService {
  const toMs = (ttl: unknown): number => {
    if (typeof ttl === 'number') return ttl;
    if (ttl && typeof ttl === 'object' && 'seconds' in ttl) {
      return Number((ttl as { seconds: number }).seconds) * 1000;
    }
    return defaultTtlMs;
  };
  return {
    async get(key) {
      const hit = store.get(key);
      if (!hit || hit.until < Date.now()) return undefined;
      return hit.value as any;
    },
    async set(key, value, options) {
      store.set(key, {
        value,
        until: Date.now() + (options?.ttl ? toMs(options.ttl) : defaultTtlMs),
      });
    },
    async delete(key) {
      store.delete(key);
    },
    withOptions(options) {
      return memoryCache(store, toMs(options.defaultTtl));
    },
  };
}
