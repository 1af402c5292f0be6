import {
  ColumnInfo,
  ColumnProfile,
  ColumnSummary,
  DatasetSource,
  GuardedStatement,
  ProfileOptions,
  QueryEngine,
  QueryLimits,
  QueryResult,
  TableDatasetSource,
} from '@kaml-d/plugin-kaml-d-node';
import { InputError, NotAllowedError } from '@backstage/errors';
import { DEFAULT_QUERY_MAX_RESULT_BYTES, TrinoEngineConfig } from '../config';
import { toQueryError as engineError } from '../errors';
import { QueryQueueFullError } from '../gate';
import { ProfileDialect, runProfile, runSummary } from '../profileSql';
import { quoteQualified, sqlInteger } from '../sqlText';
import { toJsonValue } from '../values';
import { checkIoPlan, parseIoPlan, requireQuery } from './statementCheck';
import {
  TrinoClient,
  TrinoError,
  TrinoResult,
  TrinoResultTooLarge,
} from './trinoClient';

/** Trino's profile SQL: HyperLogLog distinct counts and approximate quartiles. */
const TRINO_PROFILE: ProfileDialect = {
  distinct: c => `approx_distinct(${c})`,
  quantile: (x, p) => `approx_percentile(${x}, ${p})`,
};

/**
 * Seconds a caller refused by a full Trino resource group is told to wait (`Retry-After`):
 * Trino does not say when a slot frees up, and portal queries are limited to seconds.
 */
export const TRINO_QUEUE_FULL_RETRY_AFTER_SECONDS = 5;

function tableSource(source: DatasetSource): TableDatasetSource {
  if (source.kind !== 'table')
    throw new Error(`Trino reads tables, not ${source.kind} sources`);
  return source;
}

/** `catalog.schema.table`, the way Trino's IO plan names a table. */
function qualifiedKey(source: {
  catalog: string;
  schema: string;
  table: string;
}): string {
  return `${source.catalog}.${source.schema}.${source.table}`;
}

/** The tables a Trino `EXPLAIN (TYPE IO, FORMAT JSON)` plan reads (InputError when not a plan). */
export function planInputTables(planJson: string): string[] {
  return parseIoPlan(planJson).inputs;
}

/** The fully qualified, quoted name of a table source. */
export function tableName(source: TableDatasetSource): string {
  return quoteQualified([source.catalog, source.schema, source.table]);
}

/**
 * Replaces each dataset reference of a guarded statement by the quoted table it stands for,
 * from the last to the first so positions stay valid.
 */
export function rewriteReferences(
  statement: GuardedStatement,
  tables: Map<string, string>,
): string {
  let sql = statement.sql;
  const references = [...statement.references].sort(
    (a, b) => b.start - a.start,
  );
  for (const reference of references) {
    const table = tables.get(reference.name);
    if (!table) throw new Error(`no table for dataset ${reference.name}`);
    sql = sql.slice(0, reference.start) + table + sql.slice(reference.end);
  }
  return sql;
}

/**
 * Trino over its client protocol (`TrinoClient`: fetch, bodies streamed under a byte cap).
 * Reads `trino://catalog/schema/table` datasets. Limits are Trino's own session properties (`query_max_execution_time`,
 * `query_max_run_time`, `query_max_memory`, `query_max_total_memory`; the client also kills the
 * query past its time); the row cap cancels the query once enough rows arrived, the byte cap
 * (`kamlD.query.maxResultBytes`, counted on Trino's responses) cancels it and fails it.
 *
 * The user it connects as should be read-only in Trino itself (file-based access control, see
 * e2e/rig/config/trino/rules.json.in): the checks here are the second line, not the only one.
 */
export class TrinoQueryEngine implements QueryEngine {
  readonly id = 'trino';
  private readonly client: TrinoClient;
  private readonly maxMemory: string;
  private readonly maxResultBytes: number;

  constructor(
    config: TrinoEngineConfig,
    options: { maxResultBytes?: number } = {},
  ) {
    this.maxMemory = config.maxMemory;
    this.maxResultBytes =
      options.maxResultBytes ?? DEFAULT_QUERY_MAX_RESULT_BYTES;
    this.client = new TrinoClient(config);
  }

  canRead(source: DatasetSource): boolean {
    return source.kind === 'table';
  }

  /** Runs one statement with Trino's limits, collecting at most `maxRows` rows. */
  private run(
    sql: string,
    timeoutMs: number,
    maxRows?: number,
  ): Promise<TrinoResult> {
    const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    return this.client.run(sql, {
      // the client gives up 5 s after Trino's own execution limit
      timeoutMs: (seconds + 5) * 1000,
      maxRows,
      maxBytes: this.maxResultBytes,
      session: {
        query_max_execution_time: `${seconds}s`,
        // run time counts time queued too
        query_max_run_time: `${seconds + 5}s`,
        query_max_memory: this.maxMemory,
        query_max_total_memory: this.maxMemory,
      },
    });
  }

  private async rows(
    sql: string,
    limits: QueryLimits,
    context: string,
  ): Promise<QueryResult> {
    const started = Date.now();
    try {
      const result = await this.run(sql, limits.timeoutMs, limits.maxRows);
      return {
        columns: result.columns.map(c => ({ name: c.name, type: c.type })),
        rows: result.rows.map(row => row.map(toJsonValue)),
        truncated: result.truncated,
        elapsedMs: Date.now() - started,
      };
    } catch (error) {
      throw toQueryError(error, context, limits.timeoutMs);
    }
  }

  async schema(
    source: DatasetSource,
    limits: Pick<QueryLimits, 'timeoutMs'>,
  ): Promise<ColumnInfo[]> {
    const table = tableSource(source);
    try {
      const result = await this.run(
        `SHOW COLUMNS FROM ${tableName(table)}`,
        limits.timeoutMs,
      );
      return result.rows.map(row => ({
        name: String(row[0]),
        type: String(row[1]),
      }));
    } catch (error) {
      throw toQueryError(
        error,
        `Reading the schema of "${source.name}"`,
        limits.timeoutMs,
      );
    }
  }

  preview(source: DatasetSource, limits: QueryLimits): Promise<QueryResult> {
    const table = tableSource(source);
    return this.rows(
      `SELECT * FROM ${tableName(table)} LIMIT ${sqlInteger(
        limits.maxRows + 1,
      )}`,
      limits,
      `Previewing "${source.name}"`,
    );
  }

  async profile(
    source: DatasetSource,
    column: string,
    options: ProfileOptions,
  ): Promise<ColumnProfile> {
    const table = tableName(tableSource(source));
    try {
      const columns = await this.schema(source, options);
      const type = columns.find(c => c.name === column)?.type ?? 'varchar';
      return await runProfile(
        async sql => (await this.run(sql, options.timeoutMs)).rows,
        table,
        column,
        type,
        options,
        TRINO_PROFILE,
      );
    } catch (error) {
      throw toQueryError(error, `Profiling "${column}"`, options.timeoutMs);
    }
  }

  async summarize(
    source: DatasetSource,
    columns: ColumnInfo[],
    options: Pick<QueryLimits, 'timeoutMs'>,
  ): Promise<ColumnSummary[]> {
    const table = tableName(tableSource(source));
    try {
      return await runSummary(
        async sql => (await this.run(sql, options.timeoutMs)).rows,
        table,
        columns,
        TRINO_PROFILE,
      );
    } catch (error) {
      throw toQueryError(
        error,
        `Summarizing "${source.name}"`,
        options.timeoutMs,
      );
    }
  }

  async query(
    statement: GuardedStatement,
    sources: DatasetSource[],
    limits: QueryLimits,
  ): Promise<QueryResult> {
    const tables = new Map(
      sources.map(s => [s.name, tableName(tableSource(s))]),
    );
    const sql = rewriteReferences(statement, tables);
    // one statement (Trino's protocol takes one) that Trino's grammar reads as a query …
    requireQuery(sql);
    // … whose plan, of exactly this text, writes nothing and reads the named datasets only
    let planText: string;
    try {
      const plan = await this.run(
        `EXPLAIN (TYPE IO, FORMAT JSON) ${sql}`,
        limits.timeoutMs,
      );
      planText = String(plan.rows[0]?.[0] ?? '');
    } catch (error) {
      throw toQueryError(error, 'The query', limits.timeoutMs);
    }
    checkIoPlan(
      parseIoPlan(planText),
      new Set(sources.map(s => qualifiedKey(tableSource(s)))),
    );
    return this.rows(sql, limits, 'The query');
  }

  async check(): Promise<void> {
    await this.run('SELECT 1', 5000);
  }
}

/**
 * Engine errors for the caller; Trino's own refusals (its access control) become
 * NotAllowedError naming what the portal's Trino user may not do, and a full resource group
 * (QUERY_QUEUE_FULL: every replica's queries together hold all its running and queued slots)
 * the same QueryQueueFullError as a full gate of this backend (429 with Retry-After on /query).
 */
function toQueryError(
  error: unknown,
  context: string,
  timeoutMs: number,
): Error {
  // already converted (a profile's schema read, …)
  if (error instanceof QueryQueueFullError) return error;
  if (error instanceof TrinoError && error.errorName === 'QUERY_QUEUE_FULL') {
    return new QueryQueueFullError(
      `${context} was not run: Trino's resource group for the portal is full (${
        error.message.split('\n')[0]
      }); its running and queued query slots are shared by every KAML-D backend. Retry in a few seconds.`,
      TRINO_QUEUE_FULL_RETRY_AFTER_SECONDS,
    );
  }
  if (error instanceof TrinoResultTooLarge) {
    // the same words as DuckDB's limit; here the bytes are those of Trino's responses
    return new InputError(
      `${context} returns more than ${
        error.maxBytes
      } bytes (kamlD.query.maxResultBytes) within its first ${
        error.rows + 1
      } rows; select fewer columns or rows (LIMIT), aggregate, or shorten long values (such as substr(column, 1, 200)).`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/PERMISSION_DENIED|^Access Denied/i.test(message)) {
    return new NotAllowedError(
      `${context} was refused by Trino's access control: ${
        message.split('\n')[0]
      }. Query the datasets the portal's Trino user may read.`,
    );
  }
  if (/EXCEEDED_\w*MEMORY_LIMIT/.test(message)) {
    return new InputError(
      `${context} needed more memory than Trino gives it (${
        message.split('\n')[0]
      }); filter the data, aggregate less or select fewer columns.`,
    );
  }
  return engineError(error, context, timeoutMs);
}
