import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorCache,
  CatalogProcessorEmit,
  LocationSpec,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KAML_D_SCHEMA_SOURCE,
  isDatasetEntity,
  TABULAR_DATASET_FORMATS,
} from '@kaml-d/plugin-kaml-d-common';
import { DatasetBindingPolicy, bindingOf } from '@kaml-d/plugin-kaml-d-node';
import { readWhileDataUnchanged } from './dataFactsCache';
import { EngineSchemaReader } from './engineSchemaClient';

/** How long a schema is reused when the entity carries no facts that tell a change. */
export const SCHEMA_MAX_AGE_MS = 5 * 60 * 1000;

const TABULAR: readonly string[] = TABULAR_DATASET_FORMATS;

/** The columns the engine read (a JSON value: it lives in the processing cache). */
type EngineSchemaRead = {
  engine: string;
  columns: Array<{ name: string; type: string }>;
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
          columns: schema.columns,
        },
      },
    };
  }

  private async schemaOf(
    entity: Entity & { spec: { location: string; format: string } },
    cache: CatalogProcessorCache,
  ): Promise<EngineSchemaRead | undefined> {
    const { location, format } = entity.spec;
    return readWhileDataUnchanged<EngineSchemaRead>({
      entity,
      cache,
      name: 'engine-schema',
      parts: [format],
      maxAgeMs: SCHEMA_MAX_AGE_MS,
      now: this.now(),
      read: async () => {
        try {
          const answer = await this.options.readSchema(location, format);
          return {
            engine: answer.engine,
            columns: answer.columns.map(c => ({ name: c.name, type: c.type })),
          };
        } catch (error) {
          // the engine is down or the data unreadable now: the schema read before stays
          this.options.logger.debug(
            `No schema for ${location} from the query engine: ${
              error instanceof Error ? error.message : String(error)
            }`,
          );
          return undefined;
        }
      },
    });
  }
}
