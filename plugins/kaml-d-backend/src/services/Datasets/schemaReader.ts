import { CacheService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ColumnInfo, DatasetSource } from '@kaml-d/plugin-kaml-d-node';
import { QueryEngineService } from '../QueryEngine';
import { StorageService } from '../Storage';
import { isTabularFormat } from './sources';
import { createSharedAnswers, dataVersionOf } from './versionedCache';

/** Schemas of unchanged objects (or of a snapshot) are reused this long. */
const VERSIONED_SCHEMA_SECONDS = 3600;
/** Schemas of a Trino table, or of a folder too large to fingerprint, are reused this long. */
export const SCHEMA_CACHE_SECONDS = 300;

/** The columns of a dataset and the engine that read them. */
export interface EngineSchema {
  engine: string;
  columns: ColumnInfo[];
}

/**
 * The one schema reader of KAML-D: the dataset's query engine (DuckDB over objects, Trino over
 * tables) reads the columns, for the Schema tab, for profiles and for the catalog, which stores
 * them as `spec.schema` of datasets that declare none (so the Overview and column search show the
 * columns the Schema tab shows). Answers are kept in the cache service, keyed by the objects'
 * versions, so a changed file is read again and identical reads at once share one.
 */
export function createSchemaReader(options: {
  engines: QueryEngineService;
  cache: CacheService;
  storage: StorageService;
}) {
  const { engines, storage } = options;
  const answers = createSharedAnswers<EngineSchema>({
    cache: options.cache,
    prefix: 'schema:v2',
  });

  async function read(source: DatasetSource): Promise<EngineSchema> {
    const engine = engines.engineFor([source]);
    const version = await dataVersionOf(source);
    const where =
      source.kind === 'objects'
        ? [source.format, source.bucket, source.prefix, version ?? '']
        : [source.catalog, source.schema, source.table];
    return answers(
      [engine.id, ...where],
      version === undefined ? SCHEMA_CACHE_SECONDS : VERSIONED_SCHEMA_SECONDS,
      async () => ({
        engine: engine.id,
        columns: await engine.schema(source, {
          timeoutMs: engines.config.timeoutMs,
        }),
      }),
    );
  }

  return {
    read,

    /**
     * The schema of the data at `location` read as `format`: what the catalog asks for a Dataset
     * that declares no columns. Hidden folders and locations outside the stores are refused by
     * the storage service.
     */
    async readLocation(location: string, format: string) {
      if (location.startsWith('trino://')) {
        throw new InputError(
          `${location} is a Trino table; its columns come from Trino's own catalog.`,
        );
      }
      if (!isTabularFormat(format)) {
        throw new InputError(
          `Format "${format}" is not a table; only csv, tsv, json, jsonl and parquet have columns.`,
        );
      }
      const objects = storage.resolveLocation(location);
      return read({
        kind: 'objects',
        name: objects.prefix.split('/').filter(Boolean).pop() ?? objects.bucket,
        format,
        storage: objects.adapter,
        bucket: objects.bucket,
        prefix: objects.prefix,
      });
    },
  };
}

/** The schema reader (see {@link createSchemaReader}). */
export type SchemaReader = ReturnType<typeof createSchemaReader>;
