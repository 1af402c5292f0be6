import { Stats, constants, createReadStream } from 'node:fs';
import {
  chmod,
  copyFile,
  mkdir,
  rename,
  rm,
  stat,
  utimes,
} from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * Name start of the temporary copies a freeze writes in the blob folder before renaming them to
 * their content address. Visible to listings on purpose: the snapshot service deletes old,
 * unreferenced entries of the blob folder, and so the leftovers of a killed process.
 */
export const BLOB_INCOMING_PREFIX = 'incoming-';
/** Attempts to freeze a file that changes while it is read, before giving up. */
const FREEZE_ATTEMPTS = 3;
/** A file name ending kept on a blob (`.csv`, `.csv.gz`) so engines still see its format. */
const EXTENSION_PART = /^[A-Za-z0-9]{1,12}$/;

/** ETag of a file on the file store: size and modification time, in hex. */
export function fileEtag(info: Stats): string {
  return `${info.size.toString(16)}-${info.mtimeMs.toString(16)}`;
}

/** Hex sha256 of a file's bytes, streamed. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** The last one or two name endings of a key (`a.csv.gz` → `.csv.gz`), or ''. */
function extensionOf(key: string): string {
  const base = key.split('/').pop() ?? '';
  const parts = base.split('.').slice(1);
  const kept: string[] = [];
  for (const part of parts.slice(-2).reverse()) {
    if (!EXTENSION_PART.test(part)) break;
    kept.unshift(part);
  }
  return kept.length > 0 ? `.${kept.join('.')}` : '';
}

/** Bucket-relative key of the blob holding bytes with this sha256, under `folder`. */
export function blobKey(folder: string, sha256: string, srcKey: string) {
  return `${folder}sha256/${sha256.slice(0, 2)}/${sha256}${extensionOf(
    srcKey,
  )}`;
}

/** Same file, same bytes as far as the file system can tell (no write between two stats). */
function unchanged(a: Stats, b: Stats): boolean {
  return (
    a.ino === b.ino &&
    a.dev === b.dev &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs
  );
}

/** Marks an existing blob as just used (so a sweep of old unused blobs leaves it); false when absent. */
async function touch(path: string): Promise<boolean> {
  const now = new Date();
  try {
    await utimes(path, now, now);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return false;
    throw error;
  }
}

/** What {@link freezeFile} froze. */
export interface FrozenFile {
  /** Bucket-relative key of the blob. */
  storedKey: string;
  sha256: string;
  /** The source's size, ETag and time while its bytes were read. */
  size: number;
  etag: string;
  lastModified: Date;
}

/**
 * Freezes the file at `src` into a content-addressed, read-only blob under `folder` (keys made
 * absolute by `pathOf`). The blob is a file of its own, never a link to `src`: it is written once,
 * by a copy-on-write clone where the file system supports it and a copy otherwise, hashed after
 * the copy (so its name is the hash of its own bytes) and renamed into place. A blob that already
 * holds the bytes (an unchanged file frozen before) is reused without a copy. When `src` changes
 * while it is read (another inode, size, time or ctime afterwards), it is read again.
 */
export async function freezeFile(
  src: string,
  srcKey: string,
  folder: string,
  pathOf: (key: string) => string,
): Promise<FrozenFile> {
  for (let attempt = 0; attempt < FREEZE_ATTEMPTS; attempt++) {
    const before = await stat(src);
    if (!before.isFile()) throw new Error(`${srcKey} is not a file`);
    let sha256 = await sha256OfFile(src);
    let storedKey = blobKey(folder, sha256, srcKey);
    if (!(await touch(pathOf(storedKey)))) {
      const incoming = pathOf(
        `${folder}${BLOB_INCOMING_PREFIX}${randomBytes(8).toString('hex')}`,
      );
      await mkdir(dirname(incoming), { recursive: true });
      try {
        await copyFile(src, incoming, constants.COPYFILE_FICLONE);
        const copied = await sha256OfFile(incoming);
        if (copied !== sha256) continue; // changed between the hash and the copy
        storedKey = blobKey(folder, copied, srcKey);
        sha256 = copied;
        await chmod(incoming, 0o444);
        await mkdir(dirname(pathOf(storedKey)), { recursive: true });
        // an equal blob renamed in meanwhile is replaced by one with the same bytes
        await rename(incoming, pathOf(storedKey));
      } finally {
        await rm(incoming, { force: true });
      }
    }
    const after = await stat(src);
    if (unchanged(before, after)) {
      return {
        storedKey,
        sha256,
        size: before.size,
        etag: fileEtag(before),
        lastModified: before.mtime,
      };
    }
  }
  throw new Error(
    `${srcKey} changed while it was being frozen, ${FREEZE_ATTEMPTS} times; take the snapshot again once writes to it have stopped`,
  );
}

/**
 * Puts a blob's bytes back at `dst` as a new, writable file (a clone or copy of the blob, never
 * the blob itself), with `lastModified` as its time (the blob's own time when not given); an existing `dst` is replaced in
 * one rename, so readers see the old file or the new one. `partialName` names the temporary file.
 */
export async function thawFile(
  blob: string,
  dst: string,
  partialName: string,
  lastModified?: Date,
): Promise<void> {
  await mkdir(dirname(dst), { recursive: true });
  const partial = join(dirname(dst), partialName);
  try {
    await copyFile(blob, partial, constants.COPYFILE_FICLONE);
    // the blob is read-only; the restored file is a live data file again
    await chmod(partial, 0o644);
    // the time the snapshot recorded, or the frozen file's own (links of old snapshots)
    const time = lastModified ?? (await stat(blob)).mtime;
    await utimes(partial, time, time);
    await rename(partial, dst);
  } finally {
    await rm(partial, { force: true });
  }
}
