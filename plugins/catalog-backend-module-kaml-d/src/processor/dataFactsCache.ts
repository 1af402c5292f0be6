import { Entity } from '@backstage/catalog-model';
import { CatalogProcessorCache } from '@backstage/plugin-catalog-node';
import { JsonValue } from '@backstage/types';
import {
  ANNOTATION_KAML_D_LAST_MODIFIED,
  ANNOTATION_KAML_D_OBJECT_COUNT,
  ANNOTATION_KAML_D_SIZE_BYTES,
} from '@kaml-d/plugin-kaml-d-common';

/** A value read from a Dataset's data, as the processing cache keeps it (a JSON value). */
type Cached<T extends JsonValue> = {
  value: T;
  /** The location and the data's facts when it was read: a change reads it again. */
  key: string;
  location: string;
  /** When it was read (ms since the epoch). */
  at: number;
};

/**
 * A value read from a Dataset's data (its columns, its media facts), reused from the entity's
 * processing cache while the data is unchanged: read again when the location, the `parts` or the
 * data's facts (size, file count, last change — measured by discovery or DatasetFactsProcessor)
 * change, or after `maxAgeMs` when the entity carries none of those facts. When the read fails
 * or finds nothing (the store or the engine is down), the value read before for the same
 * location stays and the next processing tries again; `read` reports its own failures.
 */
export async function readWhileDataUnchanged<T extends JsonValue>(options: {
  entity: Entity & { spec: { location: string } };
  cache: CatalogProcessorCache;
  /** The processing cache key (one per processor). */
  name: string;
  /** What else decides the value, such as the format. */
  parts: string[];
  maxAgeMs: number;
  now: number;
  read: () => Promise<T | undefined>;
}): Promise<T | undefined> {
  const { entity, cache, name, now } = options;
  const { location } = entity.spec;
  const annotations = entity.metadata.annotations ?? {};
  const facts = [
    annotations[ANNOTATION_KAML_D_SIZE_BYTES],
    annotations[ANNOTATION_KAML_D_OBJECT_COUNT],
    annotations[ANNOTATION_KAML_D_LAST_MODIFIED],
  ];
  const key = JSON.stringify([location, ...options.parts, ...facts]);
  const cached = await cache.get<Cached<T>>(name);
  const fresh =
    cached?.key === key &&
    (facts.some(f => f !== undefined) || now - cached.at < options.maxAgeMs);
  if (cached && fresh) {
    await cache.set(name, cached);
    return cached.value;
  }
  const value = await options.read();
  if (value !== undefined) {
    await cache.set(name, { value, key, location, at: now });
    return value;
  }
  if (cached?.location === location) {
    await cache.set(name, cached);
    return cached.value;
  }
  return undefined;
}
