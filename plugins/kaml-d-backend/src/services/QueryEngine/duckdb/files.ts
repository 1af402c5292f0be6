import { InputError } from '@backstage/errors';
import {
  ObjectDatasetSource,
  StorageObjectInfo,
  TabularFormat,
} from '@kaml-d/plugin-kaml-d-node';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
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
  const objects: StorageObjectInfo[] = [];
  let complete = true;
  for await (const object of source.storage.listRecursive(
    source.bucket,
    source.prefix,
  )) {
    if (!isDataFile(object.key, source.format)) continue;
    // remote stores: one object is enough for a schema or a preview; local files are read in place
    if (objects.length > 0 && options.firstOnly && !source.storage.localPath) {
      complete = false;
      break;
    }
    objects.push(object);
  }
  if (objects.length === 0) {
    throw new InputError(
      `Dataset "${source.name}" has no ${source.format} files under ${source.bucket}/${source.prefix}; check its format and location.`,
    );
  }
  const bytes = objects.reduce((sum, o) => sum + o.size, 0);
  const names = objects.map(o => `${source.bucket}/${o.key}`);
  if (source.storage.localPath) {
    const localPath = source.storage.localPath.bind(source.storage);
    return {
      files: objects.map(o => localPath(source.bucket, o.key)),
      names,
      bytes,
      complete,
    };
  }
  if (bytes > options.maxDownloadBytes) {
    throw new InputError(
      `Dataset "${source.name}" holds ${bytes} bytes, more than the embedded engine reads from object storage (${options.maxDownloadBytes}); query it through Trino or raise kamlD.query.duckdb.maxDownloadBytes.`,
    );
  }
  await mkdir(options.cacheDir, { recursive: true });
  const files = await Promise.all(
    objects.map(async object => {
      const id = createHash('sha256')
        .update(
          `${source.storage.type}\n${source.bucket}\n${object.key}\n${
            object.etag ?? ''
          }\n${object.size}`,
        )
        .digest('hex');
      const ext =
        FORMAT_EXTENSIONS[source.format].find(e =>
          object.key.toLowerCase().endsWith(e),
        ) ?? '';
      const path = join(options.cacheDir, `${id}${ext}`);
      const cached = await stat(path).catch(() => undefined);
      if (cached?.size === object.size) return path;
      const partial = `${path}.${randomBytes(6).toString('hex')}.partial`;
      try {
        await pipeline(
          await source.storage.read(source.bucket, object.key),
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
