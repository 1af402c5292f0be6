import {
  StorageAdapter,
  StorageByteRange,
  StorageFrozenObject,
  StorageListing,
  StorageObjectInfo,
  StorageWriteOptions,
} from '../storage';
import {
  close,
  constants,
  createReadStream,
  createWriteStream,
  Dirent,
  open,
  read,
  readdir,
  statSync,
} from 'node:fs';
import { access, copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ensureFolder, validateBucketName } from './keys';
import { fileEtag, freezeFile, thawFile } from './fileBlobs';

/** Prefix of the temporary files an upload writes before renaming them into place. */
const PARTIAL_PREFIX = '.kaml-partial-';
/** Files stat-ed in one go by a listing before it lets other work run. */
const STAT_BATCH = 256;
/** Ranges shorter than this are read in one read call into memory rather than streamed. */
const SMALL_RANGE_BYTES = 1024 * 1024;

/**
 * Storage in a local directory: one sub-folder per bucket, keys as relative paths. The embedded
 * default; `s3://kaml-datasets/x/` maps to `<root>/kaml-datasets/x/`.
 *
 * @public
 */
export class FileStorageAdapter implements StorageAdapter {
  readonly type = 'file';

  constructor(readonly root: string) {}

  /** Absolute path of a key; throws when it would resolve outside the bucket folder. */
  localPath(bucket: string, key: string): string {
    const bucketDir = resolve(this.root, validateBucketName(bucket));
    const path = resolve(bucketDir, key);
    if (path !== bucketDir && !path.startsWith(bucketDir + sep)) {
      throw new Error(`key "${key}" resolves outside bucket "${bucket}"`);
    }
    return path;
  }

  /** The bucket and key of an absolute path inside the root, or undefined when outside. */
  locate(path: string): { bucket: string; key: string } | undefined {
    const rel = relative(this.root, resolve(path));
    if (
      rel === '' ||
      rel.startsWith('..') ||
      resolve(this.root, rel) !== resolve(path)
    ) {
      return undefined;
    }
    const [bucket, ...rest] = rel.split(sep);
    return { bucket, key: rest.join('/') };
  }

  async listLevel(bucket: string, prefix: string): Promise<StorageListing> {
    const folder = ensureFolder(prefix);
    const dir = this.localPath(bucket, folder || '.');
    let entries;
    try {
      entries = await readdirEntries(dir);
    } catch (error) {
      if (isMissing(error)) return { objects: [], prefixes: [] };
      throw error;
    }
    const prefixes: string[] = [];
    const files: string[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith(PARTIAL_PREFIX)) continue;
      if (entry.isDirectory()) prefixes.push(`${folder}${entry.name}/`);
      else if (entry.isFile()) files.push(entry.name);
    }
    // Sizes and times need one stat per file. Synchronous stats of the entries readdir just
    // returned cost a few microseconds each (the inodes are cached), several times less than a
    // promise and a thread-pool round trip each; the event loop is given back every
    // STAT_BATCH files so that huge folders do not hold it.
    const objects: StorageObjectInfo[] = [];
    for (let i = 0; i < files.length; i++) {
      if (i > 0 && i % STAT_BATCH === 0) await yieldToEventLoop();
      const name = files[i];
      const info = statSync(join(dir, name));
      objects.push({
        key: `${folder}${name}`,
        size: info.size,
        lastModified: info.mtime,
        etag: fileEtag(info),
      });
    }
    objects.sort((a, b) => (a.key < b.key ? -1 : 1));
    prefixes.sort();
    return { objects, prefixes };
  }

  async *listRecursive(
    bucket: string,
    prefix: string,
    options?: { startAfter?: string },
  ): AsyncIterable<StorageObjectInfo> {
    const startAfter = options?.startAfter;
    const level = await this.listLevel(bucket, prefix);
    // merge files and folders in key order, like an S3 listing
    const items = [
      ...level.objects.map(o => ({
        key: o.key,
        object: o as StorageObjectInfo | undefined,
      })),
      ...level.prefixes.map(p => ({ key: p, object: undefined })),
    ].sort((a, b) => (a.key < b.key ? -1 : 1));
    for (const item of items) {
      if (item.object) {
        if (!startAfter || item.object.key > startAfter) yield item.object;
      } else if (
        !startAfter ||
        item.key > startAfter ||
        startAfter.startsWith(item.key)
      ) {
        yield* this.listRecursive(bucket, item.key, options);
      }
    }
  }

  async stat(
    bucket: string,
    key: string,
  ): Promise<StorageObjectInfo | undefined> {
    try {
      const info = await stat(this.localPath(bucket, key));
      if (!info.isFile()) return undefined;
      return {
        key,
        size: info.size,
        lastModified: info.mtime,
        etag: fileEtag(info),
      };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async read(
    bucket: string,
    key: string,
    range?: StorageByteRange,
  ): Promise<Readable> {
    const path = this.localPath(bucket, key);
    if (
      range?.end !== undefined &&
      range.end - range.start < SMALL_RANGE_BYTES
    ) {
      // headers and footers (discovery reads one per dataset): open, one read, close, instead
      // of a file stream's access check, open, reads and close
      return Readable.from([await readRange(path, range.start, range.end)]);
    }
    await access(path);
    return createReadStream(
      path,
      range ? { start: range.start, end: range.end } : {},
    );
  }

  async write(
    bucket: string,
    key: string,
    body: Readable,
    _options?: StorageWriteOptions,
  ): Promise<StorageObjectInfo> {
    const path = this.localPath(bucket, key);
    await mkdir(dirname(path), { recursive: true });
    // write beside the target and rename: readers never see a partial file
    const partial = join(
      dirname(path),
      `${PARTIAL_PREFIX}${randomBytes(8).toString('hex')}`,
    );
    try {
      await pipeline(body, createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    const info = await this.stat(bucket, key);
    if (!info)
      throw new Error(`object ${bucket}/${key} vanished after it was written`);
    return info;
  }

  /** Copies a file (through a temporary file and a rename, so readers never see half of it). */
  async copy(bucket: string, srcKey: string, dstKey: string): Promise<void> {
    const src = this.localPath(bucket, srcKey);
    const dst = this.localPath(bucket, dstKey);
    await mkdir(dirname(dst), { recursive: true });
    const partial = join(
      dirname(dst),
      `${PARTIAL_PREFIX}${randomBytes(8).toString('hex')}`,
    );
    try {
      await copyFile(src, partial, constants.COPYFILE_FICLONE);
      await rename(partial, dst);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  /**
   * Freezes a file into a content-addressed, read-only blob under `folder` (a file of its own:
   * cloned copy-on-write where the file system can, copied otherwise, never a link to the live
   * file); a blob that already holds the same bytes is reused. See {@link StorageAdapter.freeze}.
   */
  async freeze(
    bucket: string,
    srcKey: string,
    folder: string,
  ): Promise<StorageFrozenObject> {
    return freezeFile(
      this.localPath(bucket, srcKey),
      srcKey,
      ensureFolder(folder),
      key => this.localPath(bucket, key),
    );
  }

  /**
   * Puts a frozen blob back under `dstKey` as a new writable file (a clone or copy, so later
   * writes to it never reach the blob), with the time the snapshot recorded.
   */
  async thaw(
    bucket: string,
    storedKey: string,
    dstKey: string,
    options?: { lastModified?: Date },
  ): Promise<void> {
    await thawFile(
      this.localPath(bucket, storedKey),
      this.localPath(bucket, dstKey),
      `${PARTIAL_PREFIX}${randomBytes(8).toString('hex')}`,
      options?.lastModified,
    );
  }

  async remove(bucket: string, keys: string[]): Promise<void> {
    for (const key of keys) {
      await rm(this.localPath(bucket, key), { force: true });
    }
  }

  /** A local folder keeps no versions. */
  async versioning(): Promise<boolean> {
    return false;
  }

  /** The root, or the folder that will hold it, must be writable; nothing is created. */
  async check(): Promise<void> {
    let dir = this.root;
    for (;;) {
      try {
        await access(dir, constants.W_OK);
        return;
      } catch (error) {
        if (!isMissing(error) || dirname(dir) === dir) {
          throw new Error(`storage root ${this.root} is not writable`);
        }
        dir = dirname(dir);
      }
    }
  }
}

function isMissing(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error.code === 'ENOENT' || error.code === 'ENOTDIR')
  );
}

// The listing and small-read paths use the callback API of node:fs: for the many tiny calls of a
// listing (one readdir per folder, one open/read/close per header) it costs about half the CPU
// of node:fs/promises per call.

function readdirEntries(dir: string): Promise<Dirent[]> {
  return new Promise((resolvePromise, reject) =>
    readdir(dir, { withFileTypes: true }, (error, entries) =>
      error ? reject(error) : resolvePromise(entries),
    ),
  );
}

/** The bytes from `start` to `end` included (fewer when the file is shorter). */
function readRange(path: string, start: number, end: number): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    open(path, 'r', (openError, fd) => {
      if (openError) {
        reject(openError);
        return;
      }
      const buffer = Buffer.allocUnsafe(Math.max(0, end - start + 1));
      read(fd, buffer, 0, buffer.length, start, (readError, bytes) => {
        close(fd, closeError => {
          const error = readError ?? closeError;
          if (error) reject(error);
          else resolvePromise(buffer.subarray(0, bytes));
        });
      });
    });
  });
}
