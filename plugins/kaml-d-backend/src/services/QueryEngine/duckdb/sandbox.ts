import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { InputError } from '@backstage/errors';
import type {
  ColumnInfo,
  ColumnProfile,
  ColumnSummary,
  ProfileOptions,
  QueryResult,
  TabularFormat,
} from '@kaml-d/plugin-kaml-d-node';
import { toQueryError } from '../errors';
import { ProfileDialect, runProfile, runSummary } from '../profileSql';
import { quoteIdent } from '../sqlText';
import { readSized } from './sizedResult';
import { valueGuardStatements } from './valueGuards';

/** One dataset of a sandbox: its name in SQL and the local files of its view. */
export interface SandboxView {
  name: string;
  format: TabularFormat;
  files: string[];
}

/** The datasets and limits of a sandbox. */
export interface SandboxSetup {
  views: SandboxView[];
  /** Local paths shown in errors by another name (the object they hold). */
  aliases: Array<[string, string]>;
  threads: number;
  memoryLimit: string;
  maxResultBytes: number;
}

/** What runs in a sandbox. */
export type SandboxOperation = {
  timeoutMs: number;
  /** Words that start an error message, such as `Previewing "sales"`. */
  context: string;
} & (
  | { op: 'schema' }
  | {
      op: 'rows';
      /** A statement of `sizedSql`: the rows, then each value's length as text. */
      sql: string;
      maxRows: number;
      /** Prepared: a user's query, which must be exactly one statement. */
      prepare: boolean;
      /** Words naming the result in a refusal of its size, such as `The preview of "sales"`. */
      resultContext: string;
    }
  | {
      op: 'profile';
      column: string;
      options: Pick<ProfileOptions, 'topValues' | 'histogramBins'>;
    }
  | { op: 'summary'; columns: ColumnInfo[] }
  | { op: 'check' }
);

/** A job of a sandbox: plain data, so that it crosses to the sandbox process unchanged. */
export type SandboxJob = SandboxSetup & SandboxOperation;

/**
 * Values read above which a sandbox process is not reused. DuckDB's result chunks are freed by
 * the JavaScript garbage collector, which a process that allocates little rarely runs: a sandbox
 * thread that read 100 MB results kept them (6 GB of RSS in bench/query-load). Ending the
 * process frees them at once.
 */
const RECYCLE_BYTES = 1024 * 1024;

/** What a sandbox answers: the result, or the error as the caller rethrows it. */
export type SandboxAnswer = (
  | { ok: true; columns: ColumnInfo[] }
  | { ok: true; result: Omit<QueryResult, 'elapsedMs'>; elapsedMs: number }
  | { ok: true; profile: ColumnProfile }
  | { ok: true; summaries: ColumnSummary[] }
  | { ok: true; checked: true }
  | { ok: false; message: string; userError: boolean }
) & {
  /** The process held large values or failed: end it rather than run the next job in it. */
  recycle: boolean;
  /** The process that ran the job. */
  pid: number;
};

type Answer = SandboxAnswer extends infer A
  ? A extends SandboxAnswer
    ? Omit<A, 'recycle' | 'pid'>
    : never
  : never;

/** DuckDB's profile SQL: exact distinct counts and interpolated quartiles. */
const DUCKDB_PROFILE: ProfileDialect = {
  // DuckDB's approx_count_distinct was measured 23% off on 999 values (and 3 for 5):
  // the exact count is cheap at the sizes an embedded engine reads
  distinct: c => `count(DISTINCT ${c})`,
  quantile: (x, p) => `quantile_cont(${x}, ${p})`,
};

/** A list of file paths as a SQL literal. */
function pathList(files: string[]): string {
  return `[${files.map(f => `'${f.replace(/'/g, "''")}'`).join(', ')}]`;
}

/**
 * The DuckDB table function that reads a format, and its fixed options. The paths are literals
 * of the view's definition, not variables a query could read with getvariable().
 */
function readerOf(format: TabularFormat, files: string[]): string {
  const list = pathList(files);
  switch (format) {
    case 'csv':
      return `read_csv_auto(${list}, union_by_name = true)`;
    case 'tsv':
      return `read_csv_auto(${list}, delim = '\t', union_by_name = true)`;
    case 'parquet':
      return `read_parquet(${list}, union_by_name = true)`;
    case 'json':
      return `read_json_auto(${list})`;
    case 'jsonl':
      return `read_json_auto(${list}, format = 'newline_delimited')`;
    default:
      throw new Error(`no reader for format ${String(format)}`);
  }
}

/**
 * Opens an in-memory DuckDB whose only tables are the job's views, limits file access to their
 * files, shadows the string builders that could outgrow the result limit, locks the
 * configuration, and then runs `fn` with an interrupt at the time limit.
 */
async function withSandbox<T>(
  job: SandboxJob,
  fn: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(job.threads),
    memory_limit: job.memoryLimit,
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const connection = await instance.connect();
  let timer: NodeJS.Timeout | undefined;
  try {
    const allowed = new Set<string>();
    for (const view of job.views) {
      await connection.run(
        `CREATE VIEW ${quoteIdent(view.name)} AS SELECT * FROM ${readerOf(
          view.format,
          view.files,
        )}`,
      );
      for (const file of view.files) allowed.add(file);
    }
    // the files stay readable (and only they); no query can read this setting back, as
    // readOnlyQuery refuses current_setting() and the system catalog
    if (allowed.size > 0) {
      await connection.run(`SET allowed_paths = ${pathList([...allowed])}`);
    }
    for (const statement of valueGuardStatements(job.maxResultBytes)) {
      await connection.run(statement);
    }
    await connection.run('SET enable_external_access = false');
    await connection.run('SET lock_configuration = true');
    timer = setTimeout(() => connection.interrupt(), job.timeoutMs);
    return await fn(connection);
  } finally {
    clearTimeout(timer);
    // closing frees what the statement built; it blocks this process, not the backend
    connection.closeSync();
    instance.closeSync();
  }
}

async function runJob(
  job: SandboxJob,
  connection: DuckDBConnection,
  meter: { bytes: number },
): Promise<Answer> {
  switch (job.op) {
    case 'check':
      await connection.run('SELECT 1');
      return { ok: true, checked: true };
    case 'schema': {
      const reader = await connection.runAndReadAll(
        `SELECT * FROM ${quoteIdent(job.views[0].name)} LIMIT 0`,
      );
      const types = reader.columnTypes();
      const columns = reader
        .columnNames()
        .map((name, i) => ({ name, type: types[i].toString() }));
      return { ok: true, columns };
    }
    case 'rows': {
      const started = Date.now();
      const stream = job.prepare
        ? await (await connection.prepare(job.sql)).stream()
        : await connection.stream(job.sql);
      const result = await readSized(
        stream,
        { maxRows: job.maxRows, maxBytes: job.maxResultBytes },
        job.resultContext,
        meter,
      );
      return { ok: true, result, elapsedMs: Date.now() - started };
    }
    case 'profile': {
      const table = quoteIdent(job.views[0].name);
      const typeReader = await connection.runAndReadAll(
        `SELECT ${quoteIdent(job.column)} FROM ${table} LIMIT 0`,
      );
      const type = typeReader.columnTypes()[0].toString();
      const profile = await runProfile(
        async sql => (await connection.runAndReadAll(sql)).getRowsJS(),
        table,
        job.column,
        type,
        job.options,
        DUCKDB_PROFILE,
      );
      return { ok: true, profile };
    }
    case 'summary': {
      const summaries = await runSummary(
        async sql => (await connection.runAndReadAll(sql)).getRowsJS(),
        quoteIdent(job.views[0].name),
        job.columns,
        DUCKDB_PROFILE,
      );
      return { ok: true, summaries };
    }
    default:
      throw new Error(`unknown sandbox operation ${JSON.stringify(job)}`);
  }
}

/**
 * Runs a job in a fresh sandbox and answers with its result or its error, already worded for
 * the user (see {@link toQueryError}); never throws.
 */
export async function runSandbox(job: SandboxJob): Promise<SandboxAnswer> {
  const meter = { bytes: 0 };
  try {
    const answer = await withSandbox(job, connection =>
      runJob(job, connection, meter),
    );
    return {
      ...answer,
      recycle: meter.bytes > RECYCLE_BYTES,
      pid: process.pid,
    };
  } catch (error) {
    const worded = toQueryError(
      error,
      job.context,
      job.timeoutMs,
      new Map(job.aliases),
    );
    return {
      ok: false,
      message: worded.message,
      userError: worded instanceof InputError,
      recycle: true,
      pid: process.pid,
    };
  }
}
