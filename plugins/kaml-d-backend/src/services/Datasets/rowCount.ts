import { CacheService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  DatasetSource,
  QueryEngine,
  quoteIdent,
} from '@kaml-d/plugin-kaml-d-node';
import { createSharedAnswers, dataVersionOf } from './versionedCache';

/** Counts of unchanged objects are reused this long (the key holds the objects' versions). */
const OBJECT_COUNT_SECONDS = 3600;
/** Counts of a Trino table, whose changes the backend cannot see, are reused this long. */
const TABLE_COUNT_SECONDS = 600;

/** A row count and when it was taken. */
export interface RowCount {
  rows: number;
  countedAt: string;
}

/**
 * Exact row counts: `SELECT count(*)` over the dataset, run by its engine under the query time
 * limit, and kept in the cache service — keyed by the objects' versions (as previews are), or for
 * a Trino table for {@link TABLE_COUNT_SECONDS}. Identical counts asked at once share one run.
 */
export function createRowCounter(options: { cache: CacheService }) {
  const answers = createSharedAnswers<RowCount>({
    cache: options.cache,
    prefix: 'rowcount:v1',
  });

  async function run(
    engine: QueryEngine,
    source: DatasetSource,
    timeoutMs: number,
  ): Promise<RowCount> {
    const name = quoteIdent(source.name);
    const sql = `SELECT count(*) AS "rows" FROM ${name}`;
    const start = sql.indexOf(name);
    const result = await engine.query(
      {
        sql,
        references: [{ name: source.name, start, end: start + name.length }],
      },
      [source],
      { maxRows: 1, timeoutMs },
    );
    const rows = Number(result.rows[0]?.[0]);
    if (!Number.isSafeInteger(rows) || rows < 0) {
      throw new InputError(
        `The engine answered no row count for "${source.name}".`,
      );
    }
    return { rows, countedAt: new Date().toISOString() };
  }

  return {
    async count(
      key: { engine: QueryEngine; entityRef: string; timeoutMs: number },
      source: DatasetSource,
    ): Promise<RowCount> {
      const version = await dataVersionOf(source);
      const where =
        source.kind === 'objects'
          ? [source.format, source.bucket, source.prefix, version ?? '']
          : [source.catalog, source.schema, source.table];
      // objects too many to fingerprint are counted again, like a table is after its TTL
      const ttlSeconds =
        source.kind === 'objects' && version !== undefined
          ? OBJECT_COUNT_SECONDS
          : TABLE_COUNT_SECONDS;
      return answers([key.engine.id, key.entityRef, ...where], ttlSeconds, () =>
        run(key.engine, source, key.timeoutMs),
      );
    },
  };
}
