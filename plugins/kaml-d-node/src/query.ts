import { JsonValue } from '@backstage/types';
import { StorageAdapter } from './storage';

/**
 * Formats a query engine can read as a table.
 *
 * @public
 */
export type TabularFormat = 'csv' | 'tsv' | 'parquet' | 'json' | 'jsonl';

/**
 * A dataset stored as objects (files) under a prefix of a bucket.
 *
 * @public
 */
export interface ObjectDatasetSource {
  kind: 'objects';
  /** The name the dataset has in SQL, such as `finance-transactions`. */
  name: string;
  format: TabularFormat;
  storage: StorageAdapter;
  bucket: string;
  /** Prefix of the dataset's objects, ending with `/`. */
  prefix: string;
  /**
   * Read exactly these objects instead of listing `prefix`: the frozen objects of a dataset
   * snapshot. An object with a `versionId` is read at that version
   * ({@link StorageAdapter.readVersion}); the others by key (a snapshot folder's copy or link).
   */
  objects?: ObjectDatasetSnapshotObject[];
  /** The snapshot `objects` come from, such as `snap-20261126t070102z-3f9a1c`. */
  snapshotId?: string;
}

/**
 * One object of a snapshot an engine reads (see {@link ObjectDatasetSource.objects}).
 *
 * @public
 */
export interface ObjectDatasetSnapshotObject {
  /** Bucket key to read: the dataset key (version ids) or the frozen copy's key. */
  key: string;
  /** Key the object had in the dataset, to name it in messages and pick its format. */
  datasetKey: string;
  size: number;
  etag?: string;
  versionId?: string;
}

/**
 * A dataset that is a table of a Trino (or other SQL) catalog.
 *
 * @public
 */
export interface TableDatasetSource {
  kind: 'table';
  /** The name the dataset has in SQL, such as `traffic-counts`. */
  name: string;
  catalog: string;
  schema: string;
  table: string;
}

/**
 * Where a query engine reads a dataset from. Built by the backend after the caller's permission
 * to read the dataset was checked.
 *
 * @public
 */
export type DatasetSource = ObjectDatasetSource | TableDatasetSource;

/**
 * A column of a result or of a dataset.
 *
 * @public
 */
export interface ColumnInfo {
  name: string;
  /** The engine's SQL type, such as `BIGINT`, `VARCHAR`, `DECIMAL(10,2)`. */
  type: string;
}

/**
 * Rows with their columns. Values are JSON: big integers beyond 2^53 become strings, times
 * become ISO 8601 strings.
 *
 * @public
 */
export interface QueryResult {
  columns: ColumnInfo[];
  rows: JsonValue[][];
  /** `true` when the row limit cut the result short. */
  truncated: boolean;
  /** Wall-clock time spent in the engine. */
  elapsedMs: number;
}

/**
 * One bar of a numeric histogram: values in `[lower, upper)` (the last bar includes `upper`).
 *
 * @public
 */
export interface HistogramBin {
  lower: number;
  upper: number;
  count: number;
}

/**
 * What a profile computes for a column: spread for `numeric`, time buckets for `temporal`,
 * nothing more for `other` (text, lists, structs).
 *
 * @public
 */
export type ColumnKind = 'numeric' | 'temporal' | 'other';

/**
 * Counts of a date/time column per calendar bucket (`unit`), oldest first; `start` is the
 * bucket's first instant as text (`2026-03`, `2026-03-14`, `2026-03-14 09:00`).
 *
 * @public
 */
export interface TimeHistogram {
  unit: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second';
  bins: Array<{ start: string; count: number }>;
}

/**
 * The figures of one column in a dataset's summary, computed by the engine.
 *
 * @public
 */
export interface ColumnSummary {
  column: string;
  type: string;
  kind: ColumnKind;
  rows: number;
  nulls: number;
  /** `nulls / rows`, 0 for an empty dataset. */
  nullShare: number;
  /** Number of distinct non-null values (exact in DuckDB, HyperLogLog in Trino). */
  approxDistinct: number;
  /** Smallest and largest value, as text so that every type fits. */
  min: string | null;
  max: string | null;
  /** Numeric columns only (null when the column has no values): mean and sample deviation. */
  mean?: number | null;
  stddev?: number | null;
  /** Numeric columns only: quartiles (interpolated in DuckDB, approximate in Trino). */
  p25?: number | null;
  p50?: number | null;
  p75?: number | null;
}

/**
 * Statistics of one column.
 *
 * @public
 */
export interface ColumnProfile extends Omit<ColumnSummary, 'kind'> {
  kind?: ColumnKind;
  /**
   * Whether the column is categorical (text, boolean, or few distinct values): only then are
   * its top values computed.
   */
  categorical?: boolean;
  /** The most frequent non-null values, most frequent first; empty unless categorical. */
  topValues: Array<{ value: string; count: number }>;
  /** Equal-width histogram of a numeric column; absent for other types. */
  histogram?: HistogramBin[];
  /** Counts per time bucket of a date/time column; absent for other types. */
  timeHistogram?: TimeHistogram;
}

/**
 * A statement that passed the read-only SQL guard, with the places where it names datasets.
 *
 * @public
 */
export interface GuardedStatement {
  /** The statement as written, without a trailing semicolon. */
  sql: string;
  /** Each reference to a dataset: its name and its position in `sql` (end exclusive). */
  references: Array<{ name: string; start: number; end: number }>;
}

/**
 * Limits of one query.
 *
 * @public
 */
export interface QueryLimits {
  /** Rows returned at most; more rows set `truncated`. */
  maxRows: number;
  /** Time the engine may spend before the query is cancelled. */
  timeoutMs: number;
}

/**
 * Options of {@link QueryEngine.profile}.
 *
 * @public
 */
export interface ProfileOptions extends Pick<QueryLimits, 'timeoutMs'> {
  /** How many of the most frequent values to return. */
  topValues: number;
  /** Number of histogram bars of numeric columns. */
  histogramBins: number;
}

/**
 * A SQL engine that reads datasets: DuckDB (embedded), Trino, or anything a backend module adds
 * through `kamlDQueryEngineExtensionPoint`.
 *
 * Engines receive dataset sources the caller may read and must not read anything else: names in
 * statements are mapped to those sources only, identifiers are quoted, values are bound.
 *
 * @public
 */
export interface QueryEngine {
  /** Identifier used in configuration (`kamlD.query.defaultEngine`), such as `duckdb`. */
  readonly id: string;
  /** Whether this engine can read the source at all (Trino reads tables, DuckDB reads objects). */
  canRead(source: DatasetSource): boolean;
  /** Columns and their types, read from file headers, Parquet footers or the table definition. */
  schema(
    source: DatasetSource,
    limits: Pick<QueryLimits, 'timeoutMs'>,
  ): Promise<ColumnInfo[]>;
  /** The first `limits.maxRows` rows, reading no more of the data than needed. */
  preview(source: DatasetSource, limits: QueryLimits): Promise<QueryResult>;
  /** Statistics of one column (which the caller has checked exists). */
  profile(
    source: DatasetSource,
    column: string,
    options: ProfileOptions,
  ): Promise<ColumnProfile>;
  /**
   * The summary figures of several columns (which the caller has checked exist, with the types
   * the engine's `schema` gave), in as few passes over the data as the engine allows. An engine
   * without it is profiled column by column.
   */
  summarize?(
    source: DatasetSource,
    columns: ColumnInfo[],
    options: Pick<QueryLimits, 'timeoutMs'>,
  ): Promise<ColumnSummary[]>;
  /** Runs one read-only statement over the given sources, named as in `statement.references`. */
  query(
    statement: GuardedStatement,
    sources: DatasetSource[],
    limits: QueryLimits,
  ): Promise<QueryResult>;
  /** Throws with a reason a person can act on when the engine cannot be reached. */
  check(): Promise<void>;
  /** Releases connections and temporary files. */
  close?(): Promise<void>;
}
