import { CatalogProcessorCache } from '@backstage/plugin-catalog-node';
import { JsonValue } from '@backstage/types';

/** The catalog's processing cache of one entity, kept between runs. */
export function processingCache(): CatalogProcessorCache {
  const state = new Map<string, JsonValue>();
  return {
    get: async <T extends JsonValue>(key: string) =>
      state.get(key) as T | undefined,
    set: async (key, value) => {
      state.set(key, value);
    },
  };
}
