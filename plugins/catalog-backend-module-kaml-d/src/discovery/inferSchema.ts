import { StorageAdapter, StorageObjectInfo } from '@kaml-d/plugin-kaml-d-node';
import {
  PARQUET_TAIL_BYTES,
  parquetFooterLength,
  parseParquetFooter,
} from './parquetFooter';

/** Bytes read from the start of a CSV or JSON lines file to find its header or first record. */
export const DEFAULT_HEADER_BYTES = 64 * 1024;
/** Bytes read from the end of a Parquet file in the first request (usually the whole footer). */
export const DEFAULT_PARQUET_TAIL_BYTES = 64 * 1024;
/** Largest Parquet footer read (a second ranged request when the first one was too short). */
export const MAX_PARQUET_FOOTER_BYTES = 16 * 1024 * 1024;

/** A column found in a file header. */
export interface InferredColumn {
  name: string;
  type: string;
}

/** What the header of one file says. */
export interface InferredSchema {
  columns: InferredColumn[];
  /** Row count when the file states it (Parquet footers). */
  rows?: number;
}

/** Formats recognised from file extensions, in order of preference for a mixed folder. */
const EXTENSIONS: Array<[RegExp, string]> = [
  [/\.parquet$/i, 'parquet'],
  [/\.csv(\.gz)?$/i, 'csv'],
  [/\.tsv$/i, 'tsv'],
  [/\.jsonl$|\.ndjson$/i, 'jsonl'],
  [/\.json$/i, 'json'],
  [/\.orc$/i, 'orc'],
  [/\.avro$/i, 'avro'],
  [/\.(png|jpe?g|gif|bmp|tiff?|webp)$/i, 'images'],
  [/\.(wav|mp3|flac|ogg|m4a)$/i, 'audio'],
  [/\.(mp4|mov|mkv|avi|webm)$/i, 'video'],
  [/\.(txt|md)$/i, 'text'],
];

/** Keys never counted as data (manifests and hidden files). */
export function isDataKey(key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return name !== 'catalog-info.yaml' && !name.startsWith('.');
}

/** Format of one key from its extension, or undefined. */
export function formatOfKey(key: string): string | undefined {
  return EXTENSIONS.find(([pattern]) => pattern.test(key))?.[1];
}

/**
 * The format of a folder of objects: the most frequent recognised extension; a tabular format
 * wins over media when a folder has both (images with a metadata CSV are `images`, though).
 */
export function formatOfObjects(keys: string[]): string {
  const counts = new Map<string, number>();
  for (const key of keys) {
    const format = formatOfKey(key);
    if (format) counts.set(format, (counts.get(format) ?? 0) + 1);
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const [format, count] of counts) {
    if (count > bestCount) {
      best = format;
      bestCount = count;
    }
  }
  return best ?? 'binary';
}

/** Splits one CSV line, honouring double quotes (`""` inside quotes is a quote). */
export function splitCsvLine(line: string, delimiter = ','): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields.map(f => f.trim());
}

function valueType(value: string): string | undefined {
  if (value === '') return undefined;
  if (/^-?\d{1,18}$/.test(value)) return 'bigint';
  if (/^-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(value)) return 'double';
  if (/^(true|false)$/i.test(value)) return 'boolean';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'date';
  if (
    /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(
      value,
    )
  )
    return 'timestamp';
  return 'varchar';
}

function widen(
  a: string | undefined,
  b: string | undefined,
): string | undefined {
  if (!a) return b;
  if (!b || a === b) return a;
  if ((a === 'bigint' && b === 'double') || (a === 'double' && b === 'bigint'))
    return 'double';
  if (
    (a === 'date' && b === 'timestamp') ||
    (a === 'timestamp' && b === 'date')
  )
    return 'timestamp';
  return 'varchar';
}

/**
 * Columns of a delimited text file from its first bytes: the first line names them, the complete
 * lines after it (within the bytes read) give the types. A cut-off last line is ignored.
 */
export function inferDelimitedSchema(
  head: string,
  delimiter = ',',
  wholeFile = false,
): InferredSchema {
  const text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  const lines = text.split(/\r?\n/);
  // the last piece is cut off unless the whole file was read (or it ends with a newline)
  const complete = wholeFile || lines.length === 1 ? lines : lines.slice(0, -1);
  const header = complete[0];
  if (!header) return { columns: [] };
  const names = splitCsvLine(header, delimiter);
  const types: Array<string | undefined> = names.map(() => undefined);
  for (const line of complete.slice(1)) {
    if (!line) continue;
    const values = splitCsvLine(line, delimiter);
    values.forEach((value, i) => {
      if (i < types.length) types[i] = widen(types[i], valueType(value));
    });
  }
  return {
    columns: names.map((name, i) => ({ name, type: types[i] ?? 'varchar' })),
  };
}

function jsonType(value: unknown): string {
  if (value === null || value === undefined) return 'varchar';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number')
    return Number.isInteger(value) ? 'bigint' : 'double';
  if (typeof value === 'string')
    return valueType(value) === 'timestamp' ? 'timestamp' : 'varchar';
  if (Array.isArray(value)) return 'array';
  return 'row';
}

/** Columns of a JSON lines file from its first record (keys in their order, types of values). */
export function inferJsonLinesSchema(head: string): InferredSchema {
  const newline = head.indexOf('\n');
  const first = (newline >= 0 ? head.slice(0, newline) : head).trim();
  if (!first) return { columns: [] };
  const record: unknown = JSON.parse(first);
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return { columns: [] };
  }
  return {
    columns: Object.entries(record).map(([name, value]) => ({
      name,
      type: jsonType(value),
    })),
  };
}

async function readBytes(
  adapter: StorageAdapter,
  bucket: string,
  key: string,
  start: number,
  end: number,
): Promise<Buffer> {
  const stream = await adapter.read(bucket, key, { start, end });
  const chunks: Buffer[] = [];
  let total = 0;
  const limit = end - start + 1;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    chunks.push(buffer);
    total += buffer.length;
    // a ranged stream ends by itself after `limit` bytes; leaving the loop early would destroy
    // it with an AbortError (an Error and its stack trace per read); only an adapter that
    // ignored the range is cut short
    if (total > limit) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, limit);
}

/** Options of {@link inferObjectSchema}. */
export interface InferOptions {
  headerBytes?: number;
  parquetTailBytes?: number;
}

/**
 * Schema of one object from ranged reads only: the first bytes of CSV/TSV/JSON lines, the last
 * bytes of Parquet (a second ranged read when the footer is longer than the first one). Never
 * reads the whole object unless it is smaller than the range. Undefined for other formats.
 */
export async function inferObjectSchema(
  adapter: StorageAdapter,
  bucket: string,
  object: StorageObjectInfo,
  format: string,
  options: InferOptions = {},
): Promise<InferredSchema | undefined> {
  if (object.size === 0) return undefined;
  const headerBytes = options.headerBytes ?? DEFAULT_HEADER_BYTES;
  if (format === 'csv' || format === 'tsv' || format === 'jsonl') {
    if (/\.gz$/i.test(object.key)) return undefined;
    const length = Math.min(object.size, headerBytes);
    const head = (
      await readBytes(adapter, bucket, object.key, 0, length - 1)
    ).toString('utf8');
    if (format === 'jsonl') return inferJsonLinesSchema(head);
    return inferDelimitedSchema(
      head,
      format === 'tsv' ? '\t' : ',',
      length === object.size,
    );
  }
  if (format === 'parquet') {
    if (object.size < PARQUET_TAIL_BYTES + 4) return undefined;
    const first = Math.min(
      object.size,
      options.parquetTailBytes ?? DEFAULT_PARQUET_TAIL_BYTES,
    );
    let tail = await readBytes(
      adapter,
      bucket,
      object.key,
      object.size - first,
      object.size - 1,
    );
    const needed = parquetFooterLength(tail) + PARQUET_TAIL_BYTES;
    if (needed > tail.length) {
      if (needed > MAX_PARQUET_FOOTER_BYTES || needed > object.size) {
        throw new Error(
          `the Parquet footer of ${object.key} is ${needed} bytes, more than the ${MAX_PARQUET_FOOTER_BYTES} read for schemas`,
        );
      }
      tail = await readBytes(
        adapter,
        bucket,
        object.key,
        object.size - needed,
        object.size - 1,
      );
    }
    return parseParquetFooter(tail);
  }
  return undefined;
}
