import { InputError } from '@backstage/errors';
import {
  ObjectDatasetSnapshotObject,
  ObjectDatasetSource,
  StorageAdapter,
  TabularFormat,
} from '@kaml-d/plugin-kaml-d-node';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** File name endings read for each format (compressed variants included). */
export const FORMAT_EXTENSIONS: Record<TabularFormat, string[]> = {
  csv: ['.csv', '.csv.gz', '.csv.zst'],
  tsv: ['.tsv', '.tsv.gz', '.tab', '.txt'],
  parquet: ['.parquet', '.parq', '.pq'],
  json: ['.json', '.json.gz', '.jsonl', '.ndjson'],
  jsonl: ['.jsonl', '.ndjson', '.jsonl.gz', '.ndjson.gz', '.json'],
};

/** Whether an object holds data of the format (by its name). */
export function isDataFile(key: string, format: TabularFormat): boolean {
  const name = key.toLowerCase();
  const base = name.split('/').pop() ?? '';
  if (base.startsWith('.') || base.startsWith('_')) return false;
  return FORMAT_EXTENSIONS[format].some(ext => name.endsWith(ext));
}

/** The data files of a source on local disk: in place for local stores, cached otherwise. */
export interface LocalFiles {
  files: string[];
  /** `bucket/key` of each file, to name it in messages instead of its local path. */
  names: string[];
  bytes: number;
  /** `false` when `firstOnly` left further data files out. */
  complete: boolean;
}

/**
 * Lists a source's data files and returns local paths DuckDB can read: the files themselves for
 * a local store, copies in `cacheDir` (named by bucket, key and ETag, so a changed object is
 * fetched again) for remote stores.
 */
export async function localFilesOf(
  source: ObjectDatasetSource,
  options: {
    cacheDir: string;
    maxDownloadBytes: number;
    /** Only the first data file (in key order) of a remote store, for schemas and previews. */
    firstOnly: boolean;
  },
): Promise<LocalFiles> {
  const { storage, bucket } = source;
  const objects: ObjectDatasetSnapshotObject[] = [];
  let complete = true;
  const candidates:
    | AsyncIterable<ObjectDatasetSnapshotObject>
    | Iterable<ObjectDatasetSnapshotObject> = source.objects ?? listed(source);
  const inPlace = (o: ObjectDatasetSnapshotObject) =>
    Boolean(storage.localPath) && !o.versionId;
  for await (const object of candidates) {
    if (!isDataFile(object.datasetKey, source.format)) continue;
    // remote stores: one object is enough for a schema or a preview; local files are read in place
    if (objects.length > 0 && options.firstOnly && !inPlace(object)) {
      complete = false;
      break;
    }
    objects.push(object);
  }
  const at = source.snapshotId ? ` at snapshot ${source.snapshotId}` : '';
  if (objects.length === 0) {
    throw new InputError(
      `Dataset "${source.name}" has no ${source.format} files under ${bucket}/${source.prefix}${at}; check its format and location.`,
    );
  }
  const bytes = objects.reduce((sum, o) => sum + o.size, 0);
  const names = objects.map(
    o =>
      `${bucket}/${o.datasetKey}${
        source.snapshotId ? `@${source.snapshotId}` : ''
      }`,
  );
  if (storage.localPath && objects.every(inPlace)) {
    const localPath = storage.localPath.bind(storage);
    return {
      files: objects.map(o => localPath(bucket, o.key)),
      names,
      bytes,
      complete,
    };
  }
  if (bytes > options.maxDownloadBytes) {
    throw new InputError(
      `Dataset "${source.name}"${at} holds ${bytes} bytes, more than the embedded engine reads from object storage (${options.maxDownloadBytes}); query it through Trino or raise kamlD.query.duckdb.maxDownloadBytes.`,
    );
  }
  await mkdir(options.cacheDir, { recursive: true });
  const files = await Promise.all(
    objects.map(async object => {
      const id = createHash('sha256')
        .update(
          `${storage.type}\n${bucket}\n${object.key}\n${object.etag ?? ''}\n${
            object.size
          }\n${object.versionId ?? ''}`,
        )
        .digest('hex');
      const ext =
        FORMAT_EXTENSIONS[source.format].find(e =>
          object.datasetKey.toLowerCase().endsWith(e),
        ) ?? '';
      const path = join(options.cacheDir, `${id}${ext}`);
      const cached = await stat(path).catch(() => undefined);
      if (cached?.size === object.size) return path;
      const partial = `${path}.${randomBytes(6).toString('hex')}.partial`;
      try {
        await pipeline(
          await readObject(storage, bucket, object),
          createWriteStream(partial),
        );
        await rename(partial, path);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      return path;
    }),
  );
  return { files, names, bytes, complete };
}

/** The dataset's objects now: everything under its prefix but hidden folders (snapshots). */
export async function* listed(
  source: ObjectDatasetSource,
): AsyncIterable<ObjectDatasetSnapshotObject> {
  for await (const o of source.storage.listRecursive(
    source.bucket,
    source.prefix,
  )) {
    const relative = o.key.slice(source.prefix.length);
    if (relative.split('/').some(segment => segment.startsWith('.'))) continue;
    yield { key: o.key, datasetKey: o.key, size: o.size, etag: o.etag };
  }
}

function readObject(
  storage: StorageAdapter,
  bucket: string,
  object: ObjectDatasetSnapshotObject,
): Promise<Readable> {
  if (!object.versionId) return storage.read(bucket, object.key);
  if (!storage.readVersion) {
    throw new InputError(
      `The ${storage.type} store cannot read object versions, so ${bucket}/${object.datasetKey} cannot be read as it was.`,
    );
  }
  return storage.readVersion(bucket, object.key, object.versionId);
}
