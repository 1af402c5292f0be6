import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorCache,
  CatalogProcessorEmit,
  LocationSpec,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KAML_D_MEDIA_FACTS,
  DatasetMediaFacts,
  isDatasetEntity,
} from '@kaml-d/plugin-kaml-d-common';
import {
  DatasetBindingPolicy,
  StorageAdapter,
  StorageObjectInfo,
  bindingOf,
} from '@kaml-d/plugin-kaml-d-node';
import { measureMedia, MeasureMediaOptions } from '../media';
import { readWhileDataUnchanged } from './dataFactsCache';

/** How long media facts are reused when the entity carries no facts that tell a change. */
export const MEDIA_FACTS_MAX_AGE_MS = 5 * 60 * 1000;
/** Folders with more objects than this get no media facts (one listing must stay cheap). */
const MAX_LISTED_OBJECTS = 200_000;

/** Options of {@link DatasetMediaProcessor}. */
export interface DatasetMediaProcessorOptions {
  /** The store's adapter for a bucket, or `undefined` when the store is not readable here. */
  adapterFor(bucket: string): StorageAdapter | undefined;
  bindingPolicy: DatasetBindingPolicy;
  logger: LoggerService;
  /** How many headers to read and how much of each (defaults of `measureMedia`). */
  media?: MeasureMediaOptions;
  /** The clock (tests). */
  now?: () => number;
}

/**
 * File-level facts of every `images` and `audio` Dataset in the store, discovered or declared:
 * files and bytes per extension from one listing, image dimensions or audio duration, sample
 * rate and channels from the headers of a sample of files (one ranged read each), as the JSON
 * annotation `kaml-d.io/media-facts` that the About card and the Media tab show. Measured again
 * when the data's facts (size, file count, last change) change, or after
 * {@link MEDIA_FACTS_MAX_AGE_MS} when the entity has none; an unbound Dataset gets none.
 */
export class DatasetMediaProcessor implements CatalogProcessor {
  private readonly now: () => number;

  constructor(private readonly options: DatasetMediaProcessorOptions) {
    this.now = options.now ?? Date.now;
  }

  getProcessorName(): string {
    return 'KamlDDatasetMediaProcessor';
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    _emit: CatalogProcessorEmit,
    cache: CatalogProcessorCache,
  ): Promise<Entity> {
    if (!isDatasetEntity(entity)) return entity;
    const { format, location } = entity.spec;
    if (format !== 'images' && format !== 'audio') return entity;
    const match = /^s3:\/\/([^/]+)\/(.*\/)?$/.exec(location);
    if (!match || !bindingOf(entity, this.options.bindingPolicy).bound) {
      return entity;
    }
    const [, bucket, prefix = ''] = match;
    const facts = await readWhileDataUnchanged<string>({
      entity,
      cache,
      name: 'media-facts',
      parts: [format],
      maxAgeMs: MEDIA_FACTS_MAX_AGE_MS,
      now: this.now(),
      read: async () => {
        const measured = await this.measure(bucket, prefix, format, location);
        return measured && JSON.stringify(measured);
      },
    });
    if (!facts) return entity;
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          [ANNOTATION_KAML_D_MEDIA_FACTS]: facts,
        },
      },
    };
  }

  private async measure(
    bucket: string,
    prefix: string,
    format: 'images' | 'audio',
    location: string,
  ): Promise<DatasetMediaFacts | undefined> {
    const adapter = this.options.adapterFor(bucket);
    if (!adapter) return undefined;
    try {
      const objects: StorageObjectInfo[] = [];
      for await (const object of adapter.listRecursive(bucket, prefix)) {
        const relative = object.key.slice(prefix.length);
        // hidden folders (snapshots, partial uploads) are not the data
        if (relative.split('/').some(s => s.startsWith('.'))) continue;
        objects.push(object);
        if (objects.length > MAX_LISTED_OBJECTS) return undefined;
      }
      if (objects.length === 0) return undefined;
      return await measureMedia(
        adapter,
        bucket,
        objects,
        format,
        this.options.media,
      );
    } catch (error) {
      this.options.logger.debug(
        `No media facts for ${location}: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
      return undefined;
    }
  }
}
