import { InputError } from '@backstage/errors';
import {
  ObjectDatasetSnapshotObject,
  ObjectDatasetSource,
  StorageAdapter,
  TabularFormat,
} from '@kaml-d/plugin-kaml-d-node';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_SCHEMA_SAMPLE_BYTES } from '../config';
import { FORMAT_EXTENSIONS, isDataFile, listed, LocalFiles } from './files';

/** Bytes read from the end of a Parquet file in the first request (usually the whole footer). */
const PARQUET_TAIL_BYTES = 64 * 2 ** 10;
/** Largest Parquet footer read. */
const MAX_PARQUET_FOOTER_BYTES = 64 * 2 ** 20;

/** Where the bytes DuckDB reads a schema from are, and whether they are all of the file. */
export interface SchemaFiles extends LocalFiles {
  /** `true` when the file is a sample (the first bytes, or a Parquet file's footer). */
  sampled: boolean;
}

/**
 * The files DuckDB reads a dataset's schema from, reading no more of them than the schema needs:
 * every data file in place on a local store; on a remote store the first data file's Parquet
 * footer (written at its offset in a sparse file of the object's size, so DuckDB reads the
 * footer as it would in the object) or the first `sampleBytes` of a text file, cut after its last
 * whole record. Compressed files and object versions cannot be cut: `undefined`, and the caller
 * fetches the file whole.
 */
export async function schemaFilesOf(
  source: ObjectDatasetSource,
  options: { cacheDir: string; sampleBytes?: number },
): Promise<SchemaFiles | undefined> {
  const { storage, bucket, format } = source;
  if (storage.localPath) {
    // DuckDB reads the footers or first rows of local files in place: every data file, so the
    // schema is the one SQL over the dataset sees (read_* with union_by_name)
    const local = await localDataFiles(source);
    if (local) return local;
  }
  const object = await firstDataObject(source);
  if (!object) return undefined;
  const name = `${bucket}/${object.datasetKey}${
    source.snapshotId ? `@${source.snapshotId}` : ''
  }`;
  const whole = (files: string[]): SchemaFiles => ({
    files,
    names: [name],
    bytes: object.size,
    complete: true,
    sampled: false,
  });
  if (object.versionId || !isPlain(object.datasetKey, format)) return undefined;
  const sampleBytes = options.sampleBytes ?? DEFAULT_SCHEMA_SAMPLE_BYTES;
  await mkdir(options.cacheDir, { recursive: true });
  const id = createHash('sha256')
    .update(
      `schema-sample\n${storage.type}\n${bucket}\n${object.key}\n${
        object.etag ?? ''
      }\n${object.size}\n${sampleBytes}`,
    )
    .digest('hex');
  const path = join(options.cacheDir, `${id}.sample${extensionOf(format)}`);
  const sampled = format === 'parquet' || object.size > sampleBytes;
  const answer = (): SchemaFiles => ({ ...whole([path]), sampled });
  if (await stat(path).catch(() => undefined)) return answer();

  const partial = `${path}.${randomBytes(6).toString('hex')}.partial`;
  try {
    if (format === 'parquet') {
      await writeParquetFooter(storage, bucket, object, partial);
    } else {
      const head = await readRange(
        storage,
        bucket,
        object.key,
        0,
        Math.min(object.size, sampleBytes) - 1,
      );
      const bytes =
        object.size > sampleBytes ? wholeRecords(head, format) : head;
      if (!bytes) return undefined;
      const file = await open(partial, 'w');
      try {
        await file.write(bytes);
      } finally {
        await file.close();
      }
    }
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return answer();
}

/** Every data file of a local store in place, or undefined when one is an object version. */
async function localDataFiles(
  source: ObjectDatasetSource,
): Promise<SchemaFiles | undefined> {
  const { storage, bucket } = source;
  const localPath = storage.localPath!.bind(storage);
  const files: string[] = [];
  const names: string[] = [];
  let bytes = 0;
  for await (const object of source.objects ?? listed(source)) {
    if (!isDataFile(object.datasetKey, source.format)) continue;
    if (object.versionId) return undefined;
    files.push(localPath(bucket, object.key));
    names.push(
      `${bucket}/${object.datasetKey}${
        source.snapshotId ? `@${source.snapshotId}` : ''
      }`,
    );
    bytes += object.size;
  }
  if (files.length === 0) return undefined;
  return { files, names, bytes, complete: true, sampled: false };
}

async function firstDataObject(
  source: ObjectDatasetSource,
): Promise<ObjectDatasetSnapshotObject | undefined> {
  for await (const object of source.objects ?? listed(source)) {
    if (isDataFile(object.datasetKey, source.format)) return object;
  }
  const at = source.snapshotId ? ` at snapshot ${source.snapshotId}` : '';
  throw new InputError(
    `Dataset "${source.name}" has no ${source.format} files under ${source.bucket}/${source.prefix}${at}; check its format and location.`,
  );
}

/** Whether a file is uncompressed, so that a prefix of it is a file of the same format. */
function isPlain(key: string, format: TabularFormat): boolean {
  const name = key.toLowerCase();
  return !/\.(gz|zst|bz2|xz|lz4|snappy)$/.test(name) || format === 'parquet';
}

function extensionOf(format: TabularFormat): string {
  return FORMAT_EXTENSIONS[format][0];
}

/**
 * A Parquet file as DuckDB needs it for its schema and row count: the object's size as a sparse
 * file holding the magic number and the footer at their offsets (two ranged reads at most).
 */
async function writeParquetFooter(
  storage: StorageAdapter,
  bucket: string,
  object: ObjectDatasetSnapshotObject,
  path: string,
): Promise<void> {
  const { size } = object;
  if (size < 12) {
    throw new InputError(
      `${bucket}/${object.datasetKey} is ${size} bytes, too short for a Parquet file.`,
    );
  }
  const tailStart = Math.max(0, size - PARQUET_TAIL_BYTES);
  let tail = await readRange(storage, bucket, object.key, tailStart, size - 1);
  if (tail.subarray(tail.length - 4).toString('latin1') !== 'PAR1') {
    throw new InputError(
      `${bucket}/${object.datasetKey} does not end as a Parquet file does; check the dataset's format.`,
    );
  }
  const footerLength = tail.readUInt32LE(tail.length - 8) + 8;
  if (footerLength > MAX_PARQUET_FOOTER_BYTES || footerLength > size - 4) {
    throw new InputError(
      `${bucket}/${object.datasetKey} states a Parquet footer of ${footerLength} bytes, which it cannot hold.`,
    );
  }
  let start = tailStart;
  if (footerLength > tail.length) {
    start = size - footerLength;
    tail = await readRange(storage, bucket, object.key, start, size - 1);
  }
  const file = await open(path, 'w');
  try {
    await file.truncate(size);
    await file.write(Buffer.from('PAR1', 'latin1'), 0, 4, 0);
    await file.write(tail, 0, tail.length, start);
  } finally {
    await file.close();
  }
}

async function readRange(
  storage: StorageAdapter,
  bucket: string,
  key: string,
  start: number,
  end: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  const want = end - start + 1;
  for await (const chunk of await storage.read(bucket, key, { start, end })) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    chunks.push(buffer);
    length += buffer.length;
    // a store that ignores the range sends the whole object: stop at what was asked for
    if (length >= want) break;
  }
  return Buffer.concat(chunks).subarray(0, want);
}

/**
 * The first bytes of a text file cut after its last whole record: after the last line break of
 * CSV, TSV and JSON lines; for a JSON array, after its last whole element, closed with `]`.
 * `undefined` when no whole record fits in the bytes.
 */
export function wholeRecords(
  head: Buffer,
  format: TabularFormat,
): Buffer | undefined {
  if (format === 'json') {
    const first = head.findIndex(b => !isJsonSpace(b));
    if (head[first] === 0x5b) return closedArrayPrefix(head, first);
    // not an array: one value per line (DuckDB reads both as `json`)
  }
  const end = head.lastIndexOf(0x0a);
  return end > 0 ? head.subarray(0, end + 1) : undefined;
}

function isJsonSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * A JSON array's elements that end within `head`, as an array: the bytes up to the end of the
 * last element at depth 1 (strings skipped, so brackets inside them do not count), then `]`.
 * UTF-8 continuation bytes never equal the ASCII characters looked at.
 */
function closedArrayPrefix(head: Buffer, start: number): Buffer | undefined {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let lastEnd = -1;
  for (let i = start; i < head.length; i++) {
    const byte = head[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (byte === 0x5c) escaped = true;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b || byte === 0x7b) {
      depth++;
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--;
      if (depth === 0) return head.subarray(0, i + 1);
      if (depth === 1) lastEnd = i + 1;
    } else if (byte === 0x2c && depth === 1) {
      // a scalar element ends at the comma after it
      lastEnd = Math.max(lastEnd, trimEnd(head, i));
    }
  }
  if (lastEnd < 0) return undefined;
  return Buffer.concat([head.subarray(0, lastEnd), Buffer.from(']')]);
}

function trimEnd(head: Buffer, end: number): number {
  let i = end;
  while (i > 0 && isJsonSpace(head[i - 1])) i--;
  return i;
}
