import {
  ColumnInfo,
  ColumnProfile,
  DatasetSource,
  GuardedStatement,
  ProfileOptions,
  QueryEngine,
  QueryLimits,
  QueryResult,
  TableDatasetSource,
} from '@kaml-d/plugin-kaml-d-node';
import { InputError } from '@backstage/errors';
import { Client, PrestoColumn } from 'presto-client';
import { TrinoEngineConfig } from '../config';
import { toQueryError } from '../errors';
import { runProfile } from '../profileSql';
import { quoteQualified, sqlInteger } from '../sqlText';
import { toJsonValue } from '../values';

/** Rows and columns a statement returned; `truncated` when it was cancelled at the row cap. */
interface Collected {
  columns: PrestoColumn[];
  rows: unknown[][];
  truncated: boolean;
}

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

/** The tables a Trino `EXPLAIN (TYPE IO, FORMAT JSON)` plan reads. */
export function planInputTables(planJson: string): string[] {
  const plan: unknown = JSON.parse(planJson);
  const infos =
    typeof plan === 'object' && plan !== null && 'inputTableColumnInfos' in plan
      ? plan.inputTableColumnInfos
      : undefined;
  if (!Array.isArray(infos)) return [];
  return infos.map(info => {
    const table = info?.table;
    return qualifiedKey({
      catalog: String(table?.catalog),
      schema: String(table?.schemaTable?.schema),
      table: String(table?.schemaTable?.table),
    });
  });
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
 * Trino through `presto-client` with `engine: 'trino'`. Reads `trino://catalog/schema/table`
 * datasets. The time limit is Trino's own (`query_max_execution_time` session property, and the
 * client kills the query past it); the row limit cancels the query once enough rows arrived.
 */
export class TrinoQueryEngine implements QueryEngine {
  readonly id = 'trino';
  private readonly client: Client;

  constructor(config: TrinoEngineConfig) {
    this.client = new Client({
      host: config.host,
      port: config.port,
      user: config.user,
      catalog: config.catalog,
      schema: config.schema,
      source: 'kaml-d',
      engine: 'trino',
      checkInterval: 200,
      ...(config.ssl ? { ssl: {} } : {}),
      ...(config.password
        ? { basic_auth: { user: config.user, password: config.password } }
        : {}),
    });
  }

  canRead(source: DatasetSource): boolean {
    return source.kind === 'table';
  }

  /** Runs one statement, collecting at most `maxRows + 1` rows. */
  private run(
    sql: string,
    timeoutMs: number,
    maxRows?: number,
  ): Promise<Collected> {
    const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    return new Promise((resolve, reject) => {
      const collected: Collected = { columns: [], rows: [], truncated: false };
      const enough = () =>
        maxRows !== undefined && collected.rows.length > maxRows;
      this.client.execute({
        query: sql,
        session: `query_max_execution_time=${seconds}s`,
        timeout: seconds + 5,
        columns: (_error, columns) => {
          collected.columns = columns;
        },
        data: (_error, data, columns) => {
          if (columns) collected.columns = columns;
          if (!enough()) collected.rows.push(...data);
        },
        cancel: () => {
          if (enough()) collected.truncated = true;
          return collected.truncated;
        },
        success: () => resolve(collected),
        error: error => {
          if (collected.truncated) {
            resolve(collected);
            return;
          }
          reject(asError(error));
        },
      });
    }).then(result => {
      const collected = result as Collected;
      if (maxRows !== undefined && collected.rows.length > maxRows) {
        return {
          ...collected,
          rows: collected.rows.slice(0, maxRows),
          truncated: true,
        };
      }
      return collected;
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
        { distinct: c => `approx_distinct(${c})` },
      );
    } catch (error) {
      throw toQueryError(error, `Profiling "${column}"`, options.timeoutMs);
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
    // defence in depth: Trino's own plan must read the named datasets' tables and nothing else
    let inputs: string[];
    try {
      const plan = await this.run(
        `EXPLAIN (TYPE IO, FORMAT JSON) ${sql}`,
        limits.timeoutMs,
      );
      inputs = planInputTables(String(plan.rows[0]?.[0] ?? '{}'));
    } catch (error) {
      throw toQueryError(error, 'The query', limits.timeoutMs);
    }
    const allowed = new Set(sources.map(s => qualifiedKey(tableSource(s))));
    const foreign = inputs.filter(t => !allowed.has(t));
    if (foreign.length > 0) {
      throw new InputError(
        `The query reads tables that are not datasets it names (${foreign.join(
          ', ',
        )}); name datasets only, such as "my-dataset".`,
      );
    }
    return this.rows(sql, limits, 'The query');
  }

  async check(): Promise<void> {
    await this.run('SELECT 1', 5000);
  }
}

function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  if (typeof error === 'object' && error !== null) {
    const message =
      ('message' in error &&
        typeof error.message === 'string' &&
        error.message) ||
      JSON.stringify(error);
    const name =
      'errorName' in error && typeof error.errorName === 'string'
        ? ` (${error.errorName})`
        : '';
    return new Error(`${message}${name}`);
  }
  return new Error(String(error));
}
