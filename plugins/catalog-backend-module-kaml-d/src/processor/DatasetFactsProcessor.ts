import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorCache,
  CatalogProcessorEmit,
  LocationSpec,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KAML_D_DISCOVERED_BY,
  isDatasetEntity,
} from '@kaml-d/plugin-kaml-d-common';
import {
  DatasetBindingPolicy,
  StorageAdapter,
  bindingOf,
} from '@kaml-d/plugin-kaml-d-node';
import { isDataKey } from '../discovery/formats';
import {
  ANNOTATION_KAML_D_LAST_MODIFIED,
  ANNOTATION_KAML_D_OBJECT_COUNT,
  ANNOTATION_KAML_D_SIZE_BYTES,
} from '../providers/entities';

/** How long measured facts are reused before the folder is listed again. */
export const FACTS_MAX_AGE_MS = 5 * 60 * 1000;
/** Folders with more objects than this get no facts (discovery summarises those in parallel). */
const MAX_LISTED_OBJECTS = 200_000;

/** What one listing of a dataset's folder told (a JSON value: it lives in the processing cache). */
type DatasetFacts = {
  /** When it was measured (ms since the epoch). */
  at: number;
  location: string;
  bytes: number;
  files: number;
  lastModified?: string;
};

/** Options of {@link DatasetFactsProcessor}. */
export interface DatasetFactsProcessorOptions {
  /** The store's adapter for a bucket, or `undefined` when the store is not readable here. */
  adapterFor(bucket: string): StorageAdapter | undefined;
  bindingPolicy: DatasetBindingPolicy;
  logger: LoggerService;
  /** The clock (tests). */
  now?: () => number;
}

/**
 * Facts of every Dataset whose files are in the store, wherever its entity was declared: a
 * `catalog-info.yaml` in Git, `catalog/datasets.yaml`, a registered Location. Discovery measures
 * the folders it finds; this processor does the same for the others, so the Workbench and the
 * About card show size, file count and last modification for each. One recursive listing of the
 * folder (no object is read), reused from the processing cache for {@link FACTS_MAX_AGE_MS}, so a
 * catalog of many replicas lists each folder about once per that time, whatever the processing
 * interval. Facts the author wrote are kept; a Dataset that is not bound to its location
 * (`kamlD.bindings`) gets none.
 */
export class DatasetFactsProcessor implements CatalogProcessor {
  private readonly now: () => number;

  constructor(private readonly options: DatasetFactsProcessorOptions) {
    this.now = options.now ?? Date.now;
  }

  getProcessorName(): string {
    return 'KamlDDatasetFactsProcessor';
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    _emit: CatalogProcessorEmit,
    cache: CatalogProcessorCache,
  ): Promise<Entity> {
    if (!isDatasetEntity(entity)) return entity;
    const annotations = entity.metadata.annotations ?? {};
    if (annotations[ANNOTATION_KAML_D_DISCOVERED_BY]) return entity;
    const match = /^s3:\/\/([^/]+)\/(.+\/)$/.exec(entity.spec.location);
    if (!match || !bindingOf(entity, this.options.bindingPolicy).bound) {
      return entity;
    }
    const [, bucket, prefix] = match;
    const facts = await this.factsOf(
      entity.spec.location,
      bucket,
      prefix,
      cache,
    );
    if (!facts) return entity;
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          [ANNOTATION_KAML_D_SIZE_BYTES]: String(facts.bytes),
          [ANNOTATION_KAML_D_OBJECT_COUNT]: String(facts.files),
          ...(facts.lastModified
            ? { [ANNOTATION_KAML_D_LAST_MODIFIED]: facts.lastModified }
            : {}),
          ...annotations,
        },
      },
    };
  }

  private async factsOf(
    location: string,
    bucket: string,
    prefix: string,
    cache: CatalogProcessorCache,
  ): Promise<DatasetFacts | undefined> {
    const cached = await cache.get<DatasetFacts>('facts');
    if (
      cached?.location === location &&
      this.now() - cached.at < FACTS_MAX_AGE_MS
    ) {
      await cache.set('facts', cached);
      return cached;
    }
    const adapter = this.options.adapterFor(bucket);
    if (!adapter) return undefined;
    try {
      let bytes = 0;
      let files = 0;
      let newest: Date | undefined;
      for await (const object of adapter.listRecursive(bucket, prefix)) {
        const relative = object.key.slice(prefix.length);
        // hidden folders (snapshots, partial uploads) and the manifest are not the data
        if (relative.split('/').some(s => s.startsWith('.'))) continue;
        if (!isDataKey(object.key)) continue;
        if (++files > MAX_LISTED_OBJECTS) return undefined;
        bytes += object.size;
        if (object.lastModified && (!newest || object.lastModified > newest)) {
          newest = object.lastModified;
        }
      }
      // an empty or missing folder: nothing is known (the data may live in another store)
      if (files === 0) return undefined;
      const facts: DatasetFacts = {
        at: this.now(),
        location,
        bytes,
        files,
        ...(newest ? { lastModified: newest.toISOString() } : {}),
      };
      await cache.set('facts', facts);
      return facts;
    } catch (error) {
      // an unreadable folder leaves the entity as it was written; the next run tries again
      this.options.logger.debug(
        `No facts for ${location}: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
      return cached?.location === location ? cached : undefined;
    }
  }
}
