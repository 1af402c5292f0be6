import { Config } from '@backstage/config';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Engine used for datasets that do not name one (any location other than trino://). */
export const DEFAULT_QUERY_ENGINE = 'duckdb';
/** Rows a preview returns when the request does not say (and the cap when not configured). */
export const DEFAULT_PREVIEW_ROWS = 100;
/** Highest preview cap that may be configured. */
export const MAX_PREVIEW_ROWS = 1000;
/** Rows a SQL query returns at most by default. */
export const DEFAULT_QUERY_MAX_ROWS = 1000;
/** Highest row cap of SQL queries that may be configured. */
export const MAX_QUERY_ROWS = 10_000;
/** Time a query may run. */
export const DEFAULT_QUERY_TIMEOUT_SECONDS = 30;
/** Most frequent values a profile returns. */
export const DEFAULT_PROFILE_TOP_VALUES = 10;
/** Bars of a numeric histogram. */
export const DEFAULT_PROFILE_HISTOGRAM_BINS = 20;
/** Bytes of S3 objects DuckDB may copy to its local cache for one dataset. */
export const DEFAULT_DUCKDB_MAX_DOWNLOAD_BYTES = 2 * 1024 * 1024 * 1024;
/** DuckDB worker threads. */
export const DEFAULT_DUCKDB_THREADS = 2;
/** DuckDB memory limit. */
export const DEFAULT_DUCKDB_MEMORY_LIMIT = '1GB';
/** Bytes of a text file read from a remote store to infer its schema (DuckDB samples rows too). */
export const DEFAULT_SCHEMA_SAMPLE_BYTES = 4 * 2 ** 20;

/** Data limit of each DuckDB sandbox process: DuckDB's memory, its unmanaged values, Node. */
export const DEFAULT_DUCKDB_PROCESS_MEMORY_LIMIT = '1536MB';

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Bytes of a size such as `1536MB` or `2GiB` (DuckDB's units: KB = 1000 bytes, KiB = 1024). */
export function parseByteSize(text: string, key: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? BYTE_UNITS[(match[2] || 'b').toLowerCase()] : undefined;
  if (!match || unit === undefined || Number(match[1]) <= 0) {
    throw new Error(
      `${key} is "${text}"; write a size such as 1536MB or 2GiB (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)`,
    );
  }
  return Math.round(Number(match[1]) * unit);
}
/** Bytes of values one query, preview or profile result may hold. */
export const DEFAULT_QUERY_MAX_RESULT_BYTES = 16 * 1024 * 1024;
/** Engine operations (query, preview, profile, schema) running at once per backend. */
export const DEFAULT_QUERY_MAX_CONCURRENT = 2;
/** Operations waiting for a free slot; more are answered 429. */
export const DEFAULT_QUERY_QUEUE_SIZE = 16;
/** Longest wait for a free slot. */
export const DEFAULT_QUERY_QUEUE_TIMEOUT_SECONDS = 30;
/** User the Trino engine connects as. */
export const DEFAULT_TRINO_USER = 'kaml-d';
/** Memory one Trino query may use across the cluster (`query_max_memory` session property). */
export const DEFAULT_TRINO_MAX_MEMORY = '1GB';

/** Settings of the Trino engine. */
export interface TrinoEngineConfig {
  host: string;
  port: number;
  ssl: boolean;
  catalog: string;
  schema: string;
  user: string;
  password?: string;
  /** Trino data size such as `1GB`, sent as `query_max_memory` and `query_max_total_memory`. */
  maxMemory: string;
}

/** `kamlD.query`, read once at startup. */
export interface QueryConfig {
  defaultEngine: string;
  previewMaxRows: number;
  queryMaxRows: number;
  timeoutMs: number;
  profileTopValues: number;
  profileHistogramBins: number;
  /** Bytes of values a result may hold (`maxResultBytes`). */
  maxResultBytes: number;
  /** Engine operations at once (`maxConcurrent`), waiting ones (`queueSize`, `queueTimeoutSeconds`). */
  maxConcurrent: number;
  queueSize: number;
  queueTimeoutMs: number;
  duckdb: {
    cacheDir: string;
    maxDownloadBytes: number;
    /** Bytes of a text file read from a remote store for its schema (`schemaSampleBytes`). */
    schemaSampleBytes?: number;
    threads: number;
    memoryLimit: string;
    /** Data limit of each sandbox process, in bytes (`processMemoryLimit`). */
    processMemoryBytes: number;
  };
  trino?: TrinoEngineConfig;
}

function wholeNumber(
  config: Config | undefined,
  key: string,
  fallback: number,
  max?: number,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (
    !Number.isInteger(value) ||
    value <= 0 ||
    (max !== undefined && value > max)
  ) {
    throw new Error(
      `kamlD.query.${key} must be a whole number from 1${
        max !== undefined ? ` to ${max}` : ''
      }, got ${value}`,
    );
  }
  return value;
}

function defaultPort(ssl: boolean): number {
  return ssl ? 443 : 80;
}

function readTrino(config: Config): TrinoEngineConfig {
  const server = config.getString('server');
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new Error(
      `kamlD.query.trino.server must be a URL such as http://trino:8080, got "${server}"`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(
      `kamlD.query.trino.server must use http or https, got "${url.protocol}"`,
    );
  }
  const ssl = url.protocol === 'https:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : defaultPort(ssl),
    ssl,
    catalog: config.getString('catalog'),
    schema: config.getString('schema'),
    user: config.getOptionalString('user') ?? DEFAULT_TRINO_USER,
    password: config.getOptionalString('password'),
    maxMemory: trinoDataSize(config, 'maxMemory', DEFAULT_TRINO_MAX_MEMORY),
  };
}

/** A Trino data size (`512MB`, `1.5GB`): it goes into a session header, so nothing else passes. */
function trinoDataSize(config: Config, key: string, fallback: string): string {
  const value = config.getOptionalString(key) ?? fallback;
  if (!/^\d+(\.\d+)?(B|kB|MB|GB|TB)$/.test(value)) {
    throw new Error(
      `kamlD.query.trino.${key} must be a size such as 512MB or 2GB, got "${value}"`,
    );
  }
  return value;
}

/** Reads `kamlD.query`; fails fast naming the key to change. */
export function readQueryConfig(root: Config): QueryConfig {
  const config = root.getOptionalConfig('kamlD.query');
  const trinoConfig = config?.getOptionalConfig('trino');
  const defaultEngine =
    config?.getOptionalString('defaultEngine') ?? DEFAULT_QUERY_ENGINE;
  if (defaultEngine === 'trino' && !trinoConfig) {
    throw new Error(
      'kamlD.query.defaultEngine is "trino" but kamlD.query.trino is missing; set its server, catalog and schema',
    );
  }
  const duckdb = config?.getOptionalConfig('duckdb');
  const memoryLimit =
    duckdb?.getOptionalString('memoryLimit') ?? DEFAULT_DUCKDB_MEMORY_LIMIT;
  const processMemoryBytes = parseByteSize(
    duckdb?.getOptionalString('processMemoryLimit') ??
      DEFAULT_DUCKDB_PROCESS_MEMORY_LIMIT,
    'kamlD.query.duckdb.processMemoryLimit',
  );
  if (
    processMemoryBytes <
    parseByteSize(memoryLimit, 'kamlD.query.duckdb.memoryLimit') + 256 * 2 ** 20
  ) {
    throw new Error(
      `kamlD.query.duckdb.processMemoryLimit must exceed kamlD.query.duckdb.memoryLimit (${memoryLimit}) by at least 256MiB, the room Node and the values outside DuckDB's buffers need; raise processMemoryLimit or lower memoryLimit`,
    );
  }
  return {
    defaultEngine,
    previewMaxRows: wholeNumber(
      config,
      'previewMaxRows',
      DEFAULT_PREVIEW_ROWS,
      MAX_PREVIEW_ROWS,
    ),
    queryMaxRows: wholeNumber(
      config,
      'queryMaxRows',
      DEFAULT_QUERY_MAX_ROWS,
      MAX_QUERY_ROWS,
    ),
    timeoutMs:
      wholeNumber(config, 'timeoutSeconds', DEFAULT_QUERY_TIMEOUT_SECONDS) *
      1000,
    profileTopValues: wholeNumber(
      config,
      'profileTopValues',
      DEFAULT_PROFILE_TOP_VALUES,
      100,
    ),
    profileHistogramBins: wholeNumber(
      config,
      'profileHistogramBins',
      DEFAULT_PROFILE_HISTOGRAM_BINS,
      200,
    ),
    maxResultBytes: wholeNumber(
      config,
      'maxResultBytes',
      DEFAULT_QUERY_MAX_RESULT_BYTES,
      1024 * 1024 * 1024,
    ),
    maxConcurrent: wholeNumber(
      config,
      'maxConcurrent',
      DEFAULT_QUERY_MAX_CONCURRENT,
      256,
    ),
    queueSize:
      config?.getOptionalNumber('queueSize') === 0
        ? 0
        : wholeNumber(config, 'queueSize', DEFAULT_QUERY_QUEUE_SIZE, 10_000),
    queueTimeoutMs:
      wholeNumber(
        config,
        'queueTimeoutSeconds',
        DEFAULT_QUERY_QUEUE_TIMEOUT_SECONDS,
        3600,
      ) * 1000,
    duckdb: {
      cacheDir: resolve(
        duckdb?.getOptionalString('cacheDir') ??
          join(tmpdir(), 'kaml-d-duckdb-cache'),
      ),
      maxDownloadBytes: wholeNumber(
        config,
        'duckdb.maxDownloadBytes',
        DEFAULT_DUCKDB_MAX_DOWNLOAD_BYTES,
      ),
      schemaSampleBytes: wholeNumber(
        config,
        'duckdb.schemaSampleBytes',
        DEFAULT_SCHEMA_SAMPLE_BYTES,
      ),
      threads: wholeNumber(
        config,
        'duckdb.threads',
        DEFAULT_DUCKDB_THREADS,
        64,
      ),
      memoryLimit,
      processMemoryBytes,
    },
    trino: trinoConfig ? readTrino(trinoConfig) : undefined,
  };
}
