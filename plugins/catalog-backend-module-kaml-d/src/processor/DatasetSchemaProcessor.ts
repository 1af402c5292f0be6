import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorCache,
  CatalogProcessorEmit,
  LocationSpec,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KAML_D_LAST_MODIFIED,
  ANNOTATION_KAML_D_OBJECT_COUNT,
  ANNOTATION_KAML_D_SIZE_BYTES,
  isDatasetEntity,
  TABULAR_DATASET_FORMATS,
} from '@kaml-d/plugin-kaml-d-common';
import { DatasetBindingPolicy, bindingOf } from '@kaml-d/plugin-kaml-d-node';
import { ANNOTATION_KAML_D_SCHEMA_SOURCE } from '../providers/entities';
import { EngineSchemaReader } from './engineSchemaClient';

/** How long a schema is reused when the entity carries no facts that tell a change. */
export const SCHEMA_MAX_AGE_MS = 5 * 60 * 1000;

const TABULAR: readonly string[] = TABULAR_DATASET_FORMATS;

/** A schema as the processing cache keeps it (a JSON value). */
type CachedSchema = {
  engine: string;
  columns: Array<{ name: string; type: string }>;
  /** Location, format and the data's facts when it was read: a change reads it again. */
  key: string;
  /** When it was read (ms since the epoch). */
  at: number;
};

/** Options of {@link DatasetSchemaProcessor}. */
export interface DatasetSchemaProcessorOptions {
  readSchema: EngineSchemaReader;
  bindingPolicy: DatasetBindingPolicy;
  logger: LoggerService;
  /** The clock (tests). */
  now?: () => number;
}

/**
 * Columns of every tabular Dataset that declares none — discovered folders, manifests and
 * catalog files without a schema — read by the query engine that reads the data (the KAML-D
 * backend's route, see `createEngineSchemaClient`), so the Overview, column search and the
 * Schema tab show the same columns. Declared columns are kept as written. The schema is read
 * again when the data's facts (size, file count, last change) change, or after
 * {@link SCHEMA_MAX_AGE_MS} when the entity has none; while the engine cannot be reached the last
 * schema read stays. Trino tables get their columns from Trino's catalog (the Trino provider).
 */
export class DatasetSchemaProcessor implements CatalogProcessor {
  private readonly now: () => number;

  constructor(private readonly options: DatasetSchemaProcessorOptions) {
    this.now = options.now ?? Date.now;
  }

  getProcessorName(): string {
    return 'KamlDDatasetSchemaProcessor';
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    _emit: CatalogProcessorEmit,
    cache: CatalogProcessorCache,
  ): Promise<Entity> {
    if (!isDatasetEntity(entity)) return entity;
    const { location, format } = entity.spec;
    if (entity.spec.schema?.columns?.length) return entity;
    if (!TABULAR.includes(format) || !/^(s3|file):\/\//.test(location)) {
      return entity;
    }
    // an unbound Dataset gets nothing read from the location it names
    if (!bindingOf(entity, this.options.bindingPolicy).bound) return entity;
    const schema = await this.schemaOf(entity, cache);
    if (!schema?.columns.length) return entity;
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          [ANNOTATION_KAML_D_SCHEMA_SOURCE]: `engine:${schema.engine}`,
        },
      },
      spec: {
        ...entity.spec,
        schema: {
          ...entity.spec.schema,
          columns: schema.columns.map(c => ({ name: c.name, type: c.type })),
        },
      },
    };
  }

  private async schemaOf(
    entity: Entity & { spec: { location: string; format: string } },
    cache: CatalogProcessorCache,
  ): Promise<CachedSchema | undefined> {
    const { location, format } = entity.spec;
    const annotations = entity.metadata.annotations ?? {};
    const facts = [
      annotations[ANNOTATION_KAML_D_SIZE_BYTES],
      annotations[ANNOTATION_KAML_D_OBJECT_COUNT],
      annotations[ANNOTATION_KAML_D_LAST_MODIFIED],
    ];
    const key = JSON.stringify([location, format, ...facts]);
    const cached = await cache.get<CachedSchema>('schema');
    const fresh =
      cached?.key === key &&
      (facts.some(f => f !== undefined) ||
        this.now() - cached.at < SCHEMA_MAX_AGE_MS);
    if (cached && fresh) {
      await cache.set('schema', cached);
      return cached;
    }
    try {
      const answer = await this.options.readSchema(location, format);
      const read: CachedSchema = {
        engine: answer.engine,
        columns: answer.columns.map(c => ({ name: c.name, type: c.type })),
        key,
        at: this.now(),
      };
      await cache.set('schema', read);
      return read;
    } catch (error) {
      // the engine is down or the data unreadable now: keep the schema read before, try again
      this.options.logger.debug(
        `No schema for ${location} from the query engine: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
      const sameData =
        cached && JSON.parse(cached.key)[0] === location ? cached : undefined;
      if (sameData) await cache.set('schema', sameData);
      return sameData;
    }
  }
}
