import {
  ColumnInfo,
  ColumnProfile,
  ColumnSummary,
  DatasetSource,
  GuardedStatement,
  ObjectDatasetSource,
  ProfileOptions,
  QueryEngine,
  QueryLimits,
  QueryResult,
} from '@kaml-d/plugin-kaml-d-node';
import { DEFAULT_QUERY_MAX_RESULT_BYTES, QueryConfig } from '../config';
import { quoteIdent } from '../sqlText';
import { LocalFiles, localFilesOf } from './files';
import { schemaFilesOf } from './schemaSample';
import { readOnlyQuery } from './readOnlyQuery';
import { SandboxAnswer, SandboxOperation } from './sandbox';
import { SandboxPool, unwrap } from './sandboxPool';
import { sizedSql } from './sizedResult';

function objectSource(source: DatasetSource): ObjectDatasetSource {
  if (source.kind !== 'objects') {
    throw new Error(`DuckDB reads object storage, not ${source.kind} sources`);
  }
  return source;
}

/** Lowest JavaScript heap of a sandbox process, whatever the result limit. */
const MIN_WORKER_HEAP_MB = 256;

/**
 * The embedded engine. Every operation runs in a fresh in-memory DuckDB whose only tables are
 * views over the datasets it was given; before the statement runs, file access is limited to
 * those datasets' files and the configuration is locked, so a statement can read nothing else.
 * The sandboxes run in processes of their own ({@link SandboxPool}); the backend only fetches
 * objects of remote stores into the local cache (local files are read in place) and checks SQL
 * text.
 */
export class DuckDBQueryEngine implements QueryEngine {
  readonly id = 'duckdb';

  private readonly maxResultBytes: number;
  private readonly pool: SandboxPool;

  constructor(
    private readonly config: QueryConfig['duckdb'],
    options: { maxResultBytes?: number; workers?: number } = {},
  ) {
    this.maxResultBytes =
      options.maxResultBytes ?? DEFAULT_QUERY_MAX_RESULT_BYTES;
    this.pool = new SandboxPool({
      size: Math.max(1, options.workers ?? 2),
      memoryBytes: config.processMemoryBytes,
      // a result's values as JavaScript take several times their text
      heapMb: Math.max(
        MIN_WORKER_HEAP_MB,
        Math.ceil((this.maxResultBytes * 12) / 2 ** 20),
      ),
    });
  }

  canRead(source: DatasetSource): boolean {
    return source.kind === 'objects';
  }

  /** Fetches the sources' files and runs `spec` in a sandbox over them. */
  private async inSandbox(
    sources: DatasetSource[],
    firstFileOnly: boolean,
    spec: SandboxOperation,
  ) {
    const prepared = await Promise.all(
      sources.map(async source => {
        const objects = objectSource(source);
        const local = await localFilesOf(objects, {
          cacheDir: this.config.cacheDir,
          maxDownloadBytes: this.config.maxDownloadBytes,
          firstOnly: firstFileOnly,
        });
        return { source: objects, ...local };
      }),
    );
    return this.runOver(prepared, spec);
  }

  /** Runs `spec` in a sandbox whose views read the given local files. */
  private async runOver(
    prepared: Array<LocalFiles & { source: ObjectDatasetSource }>,
    spec: SandboxOperation,
  ) {
    const job = {
      ...spec,
      views: prepared.map(p => ({
        name: p.source.name,
        format: p.source.format,
        files: p.files,
      })),
      aliases: prepared.flatMap(p =>
        p.files.map((f, i): [string, string] => [f, p.names[i]]),
      ),
      threads: this.config.threads,
      memoryLimit: this.config.memoryLimit,
      maxResultBytes: this.maxResultBytes,
    };
    return {
      answer: unwrap(await this.pool.run(job)),
      complete: prepared.every(p => p.complete),
    };
  }

  /**
   * The columns of the dataset as DuckDB reads them: from every data file in place on a local
   * store (as SQL sees them); from the first data file's Parquet footer or first bytes on a
   * remote store (see
   * {@link schemaFilesOf}); the whole file when it cannot be cut (compressed, an object
   * version) or DuckDB does not take the cut.
   */
  async schema(
    source: DatasetSource,
    limits: Pick<QueryLimits, 'timeoutMs'>,
  ): Promise<ColumnInfo[]> {
    const objects = objectSource(source);
    const spec = {
      op: 'schema' as const,
      timeoutMs: limits.timeoutMs,
      context: `Reading the schema of "${source.name}"`,
    };
    const sample = await schemaFilesOf(objects, {
      cacheDir: this.config.cacheDir,
      sampleBytes: this.config.schemaSampleBytes,
    });
    let answer: SandboxAnswer | undefined;
    if (sample) {
      try {
        answer = (await this.runOver([{ source: objects, ...sample }], spec))
          .answer;
      } catch (error) {
        // a cut DuckDB does not take (a quoted line break in a CSV sample): read the file whole
        if (!sample.sampled) throw error;
      }
    }
    answer ??= (await this.inSandbox([source], true, spec)).answer;
    if (!('columns' in answer)) throw new Error('the sandbox read no schema');
    return answer.columns;
  }

  private async rows(
    sources: DatasetSource[],
    firstFileOnly: boolean,
    spec: Extract<SandboxOperation, { op: 'rows' }>,
  ): Promise<{ result: QueryResult; complete: boolean }> {
    const { answer, complete } = await this.inSandbox(
      sources,
      firstFileOnly,
      spec,
    );
    if (!('result' in answer)) throw new Error('the sandbox returned no rows');
    return {
      result: { ...answer.result, elapsedMs: answer.elapsedMs },
      complete,
    };
  }

  async preview(
    source: DatasetSource,
    limits: QueryLimits,
  ): Promise<QueryResult> {
    const spec = {
      op: 'rows' as const,
      sql: sizedSql(`SELECT * FROM ${quoteIdent(source.name)}`, limits.maxRows),
      maxRows: limits.maxRows,
      prepare: false,
      timeoutMs: limits.timeoutMs,
      context: `Previewing "${source.name}"`,
      resultContext: `The preview of "${source.name}"`,
    };
    // the first object of a remote store usually holds enough rows: fetch the rest only if not
    const first = await this.rows([source], true, spec);
    if (first.result.truncated || first.complete) return first.result;
    return (await this.rows([source], false, spec)).result;
  }

  async profile(
    source: DatasetSource,
    column: string,
    options: ProfileOptions,
  ): Promise<ColumnProfile> {
    const { answer } = await this.inSandbox([source], false, {
      op: 'profile',
      column,
      options: {
        topValues: options.topValues,
        histogramBins: options.histogramBins,
      },
      timeoutMs: options.timeoutMs,
      context: `Profiling "${column}"`,
    });
    if (!('profile' in answer)) throw new Error('the sandbox made no profile');
    return answer.profile;
  }

  async summarize(
    source: DatasetSource,
    columns: ColumnInfo[],
    options: Pick<QueryLimits, 'timeoutMs'>,
  ): Promise<ColumnSummary[]> {
    const { answer } = await this.inSandbox([source], false, {
      op: 'summary',
      columns,
      timeoutMs: options.timeoutMs,
      context: `Summarizing "${source.name}"`,
    });
    if (!('summaries' in answer))
      throw new Error('the sandbox made no summary');
    return answer.summaries;
  }

  async query(
    statement: GuardedStatement,
    sources: DatasetSource[],
    limits: QueryLimits,
  ): Promise<QueryResult> {
    // checked before any file is fetched: a refused statement costs no download
    const sql = await readOnlyQuery(
      statement.sql,
      new Set(sources.map(s => s.name)),
      limits.maxRows,
    );
    const { result } = await this.rows(sources, false, {
      op: 'rows',
      sql,
      maxRows: limits.maxRows,
      // a user's query runs prepared: a prepared statement is exactly one statement
      prepare: true,
      timeoutMs: limits.timeoutMs,
      context: 'The query',
      resultContext: 'The query',
    });
    return result;
  }

  /** A sandbox process starts, opens DuckDB and answers, as for every operation. */
  async check(): Promise<void> {
    unwrap(
      await this.pool.run({
        op: 'check',
        views: [],
        aliases: [],
        threads: 1,
        memoryLimit: this.config.memoryLimit,
        maxResultBytes: this.maxResultBytes,
        timeoutMs: 10_000,
        context: 'The DuckDB check',
      }),
    );
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
