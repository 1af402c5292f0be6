import { JsonValue } from '@backstage/types';

/**
 * State of one dependency of the KAML-D backend.
 *
 * @public
 */
export interface DependencyHealth {
  /** What the backend depends on, such as `database`, `storage`, `query-engine`. */
  name: string;
  status: 'up' | 'down';
  /** Which implementation is configured, such as `sqlite`, `pg`, `duckdb`, `trino`. */
  kind?: string;
  /** Why the dependency is down, in words a person can act on. */
  message?: string;
}

/**
 * Answer of `GET /api/kaml-d/health`.
 *
 * @public
 */
export interface HealthResponse {
  /** `ok` when every dependency is up, `degraded` when some are down. */
  status: 'ok' | 'degraded';
  version: string;
  dependencies: DependencyHealth[];
}

/**
 * A column as a query engine reports it.
 *
 * @public
 */
export interface DatasetColumnType {
  name: string;
  /** SQL type of the engine, such as `BIGINT`, `VARCHAR`, `DOUBLE`, `TIMESTAMP`. */
  type: string;
}

/**
 * Answer of `GET /api/kaml-d/datasets/:namespace/:name/schema`.
 *
 * @public
 */
export interface DatasetSchemaResponse {
  entityRef: string;
  /** The engine that read the schema: `duckdb`, `trino`, … */
  engine: string;
  columns: DatasetColumnType[];
  /** The snapshot that was read (`?snapshot=`); absent for the dataset as it is now. */
  snapshot?: string;
}

/**
 * Rows with their columns; the shape of previews and query results. Values are JSON: integers
 * beyond 2^53 are strings, times are ISO 8601 strings.
 *
 * @public
 */
export interface DatasetRowsResponse {
  engine: string;
  columns: DatasetColumnType[];
  rows: JsonValue[][];
  /** The row limit that applied. */
  limit: number;
  /** `true` when more rows exist than the limit let through. */
  truncated: boolean;
  elapsedMs: number;
}

/**
 * Answer of `GET /api/kaml-d/datasets/:namespace/:name/preview?limit=`.
 *
 * @public
 */
export interface DatasetPreviewResponse extends DatasetRowsResponse {
  entityRef: string;
  /** The snapshot that was read (`?snapshot=`); absent for the dataset as it is now. */
  snapshot?: string;
}

/**
 * Body of `POST /api/kaml-d/query`.
 *
 * @public
 */
export interface QueryRequest {
  /**
   * One read-only statement (`SELECT …` or `WITH … SELECT …`) naming datasets as quoted
   * identifiers: `SELECT * FROM "finance-transactions"`, or `"namespace/name"` outside the
   * default namespace. `"name@<snapshot id>"` reads a snapshot of the dataset, such as
   * `"finance/transactions@snap-20261126t070102z-3f9a1c"`.
   */
  sql: string;
  /** Rows returned at most (capped by the server). */
  limit?: number;
}

/**
 * Answer of `POST /api/kaml-d/query`.
 *
 * @public
 */
export interface QueryResponse extends DatasetRowsResponse {
  /** Entity references of the datasets the statement read. */
  datasets: string[];
  /** The snapshots the statement read, for datasets named `"name@<snapshot id>"`. */
  snapshots?: Array<{ datasetRef: string; snapshotId: string }>;
}

/**
 * Answer of `GET /api/kaml-d/datasets/:namespace/:name/row-count`: the exact number of rows of a
 * tabular dataset, counted by its engine (`count(*)`; Parquet footers answer it without reading
 * the data).
 *
 * @public
 */
export interface DatasetRowCountResponse {
  entityRef: string;
  engine: string;
  rows: number;
  /** How the figure was obtained: always an exact count. */
  method: 'exact count';
  /** When the rows were counted (ISO 8601, UTC); counts of unchanged data are reused. */
  countedAt: string;
}

/**
 * Answer of `POST /api/kaml-d/datasets/rescan` (body `{ entityRef? }`): discovery was asked to
 * look again at one dataset's folder, or at every folder.
 *
 * @public
 */
export interface DatasetRescanResponse {
  scope: 'dataset' | 'all';
  entityRef?: string;
  /** The folder that is read again. */
  location?: string;
  requestedAt: string;
}

/**
 * Answer of `GET /api/kaml-d/datasets/:namespace/:name/profile?column=`.
 *
 * @public
 */
export interface DatasetProfileResponse {
  entityRef: string;
  engine: string;
  /** The snapshot that was read (`?snapshot=`); absent for the dataset as it is now. */
  snapshot?: string;
  column: string;
  type: string;
  rows: number;
  nulls: number;
  /** `nulls / rows`; 0 when the dataset is empty. */
  nullShare: number;
  /** Approximate count of distinct non-null values. */
  approxDistinct: number;
  min: string | null;
  max: string | null;
  /** Most frequent values, most frequent first; empty unless `categorical`. */
  topValues: Array<{ value: string; count: number }>;
  /** Equal-width bars of a numeric column: `[lower, upper)`, the last one closed. */
  histogram?: Array<{ lower: number; upper: number; count: number }>;
  /** `numeric`, `temporal` (dates, timestamps) or `other`. */
  kind?: DatasetColumnSummary['kind'];
  /** Text, boolean, or few distinct values: the only columns whose top values are computed. */
  categorical?: boolean;
  /** Numeric columns: mean, sample standard deviation and quartiles (null without values). */
  mean?: number | null;
  stddev?: number | null;
  p25?: number | null;
  p50?: number | null;
  p75?: number | null;
  /** Date/time columns: rows per calendar bucket, oldest first (`start` such as `2026-03`). */
  timeHistogram?: {
    unit: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second';
    bins: Array<{ start: string; count: number }>;
  };
}

/**
 * One column of {@link DatasetProfileSummaryResponse}.
 *
 * @public
 */
export interface DatasetColumnSummary {
  column: string;
  type: string;
  kind: 'numeric' | 'temporal' | 'other';
  rows: number;
  nulls: number;
  nullShare: number;
  approxDistinct: number;
  min: string | null;
  max: string | null;
  /** Numeric columns only (null when the column has no values). */
  mean?: number | null;
  stddev?: number | null;
  p25?: number | null;
  p50?: number | null;
  p75?: number | null;
}

/**
 * Answer of `GET /api/kaml-d/datasets/:namespace/:name/profile/summary?offset=&limit=&search=`:
 * the figures of one page of the columns whose name contains `search`, in schema order,
 * computed by the dataset's engine.
 *
 * @public
 */
export interface DatasetProfileSummaryResponse {
  entityRef: string;
  engine: string;
  snapshot?: string;
  /** Columns of the dataset, and those whose name contains `search` (all without one). */
  totalColumns: number;
  matchingColumns: number;
  offset: number;
  limit: number;
  search?: string;
  columns: DatasetColumnSummary[];
}

/**
 * Answer of `GET /api/kaml-d/storage/summary`: the Workbench's storage line.
 *
 * @public
 */
export interface StorageSummaryResponse {
  /** Storage adapter in use: `file`, `s3`, … */
  adapter: string;
  /** Buckets measured. */
  buckets: string[];
  /** Dataset folders (top-level prefixes) in those buckets. */
  datasets: number;
  objects: number;
  bytes: number;
  lastModified?: string;
  /** Configured capacity (`kamlD.storage.capacityBytes`), when set. */
  capacityBytes?: number;
  /** `bytes / capacityBytes` in percent, one decimal, when a capacity is set. */
  percentUsed?: number;
  /** When the buckets were listed (the summary is cached briefly). */
  measuredAt: string;
}

/**
 * One object of a dataset.
 *
 * @public
 */
export interface DatasetObject {
  /** Key relative to the dataset's prefix, such as `2024/q1.csv`. */
  key: string;
  size: number;
  lastModified?: string;
  etag?: string;
}

/**
 * Answer of `GET /api/kaml-d/datasets/:namespace/:name/objects?folder=`.
 *
 * @public
 */
export interface DatasetObjectsResponse {
  entityRef: string;
  location: string;
  /** The listed folder relative to the dataset, `''` for its root. */
  folder: string;
  objects: DatasetObject[];
  /** Sub-folders relative to the dataset, each ending with `/`. */
  folders: string[];
}

/**
 * Answer of `GET /api/kaml-d/datasets/:namespace/:name/download?key=`.
 *
 * @public
 */
export interface DatasetDownloadResponse {
  /** Time-limited URL that downloads the object without further credentials. */
  url: string;
  expiresAt: string;
  key: string;
  size: number;
}

/**
 * Answer of `POST /api/kaml-d/datasets/upload`.
 *
 * @public
 */
export interface DatasetUploadResponse {
  entityRef: string;
  /** Where the files were stored: `s3://bucket/name/`. */
  location: string;
  objects: DatasetObject[];
  /** Key of the Dataset entity file written beside the data (relative to the dataset). */
  manifestKey: string;
  /**
   * How the dataset reaches the catalog. `discovery`: the catalog module's storage provider
   * registers the manifest, at once on the `kaml-d.datasets` event the upload publishes and on
   * its full scans. `location`: registered as a catalog Location during the upload (not used by
   * the built-in storage adapters).
   */
  registration: 'location' | 'discovery';
}
