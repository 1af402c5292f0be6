import { Readable } from 'node:stream';

/**
 * One object in a bucket, as a listing returns it (no per-object HEAD request needed).
 *
 * @public
 */
export interface StorageObjectInfo {
  /** Full key of the object inside its bucket, such as `finance-transactions/2024-q1.csv`. */
  key: string;
  /** Size in bytes. */
  size: number;
  /** Last modification time, when the store reports it. */
  lastModified?: Date;
  /** Entity tag (content hash or version marker), when the store reports it. */
  etag?: string;
  /** Version id on a bucket that keeps versions (from {@link StorageAdapter.stat}). */
  versionId?: string;
}

/**
 * What {@link StorageAdapter.freeze} froze.
 *
 * @public
 */
export interface StorageFrozenObject {
  /** Bucket-relative key of the frozen, content-addressed copy. */
  storedKey: string;
  /** Hex sha256 of the frozen bytes. */
  sha256: string;
  /** Size, ETag and modification time of the source while its bytes were read. */
  size: number;
  etag: string;
  lastModified: Date;
}

/**
 * Options of {@link StorageAdapter.copy}.
 *
 * @public
 */
export interface StorageCopyOptions {
  /** Copy this version of the source (buckets that keep versions). */
  versionId?: string;
}

/**
 * One level of a listing with `/` as delimiter: the objects directly under a prefix and the
 * sub-prefixes ("folders") below it.
 *
 * @public
 */
export interface StorageListing {
  objects: StorageObjectInfo[];
  /** Sub-prefixes, each ending with `/`, such as `finance-transactions/2024/`. */
  prefixes: string[];
}

/**
 * A byte range of an object, both ends inclusive (like the HTTP `Range` header).
 *
 * @public
 */
export interface StorageByteRange {
  start: number;
  /** Last byte to read; the end of the object when absent. */
  end?: number;
}

/**
 * Options of {@link StorageAdapter.write}.
 *
 * @public
 */
export interface StorageWriteOptions {
  /** MIME type stored with the object. */
  contentType?: string;
  /** Size in bytes when known in advance; lets S3 clients pick a part size. */
  size?: number;
}

/**
 * An object store the KAML-D backend reads datasets from and writes uploads to: a local
 * directory, an S3 API (MinIO, Ceph RGW, AWS S3) or anything a backend module adds through
 * `kamlDStorageExtensionPoint`.
 *
 * Keys passed to an adapter have already been validated and normalised by the caller (no `..`
 * segments, no leading `/`, no backslashes or NUL); an adapter may check again but must not
 * re-interpret them.
 *
 * @public
 */
export interface StorageAdapter {
  /** Identifier used in configuration (`kamlD.storage.adapter`), such as `file` or `s3`. */
  readonly type: string;
  /**
   * True when {@link StorageAdapter.listRecursive} takes any key start as its prefix, like S3
   * (`ds-0` lists `ds-01/a` and `ds-02/b`), not only a folder. A parallel summary then lists each
   * key range under the longest start its bounds share, so that a store that walks a listing's
   * whole prefix ahead of the pages asked for (MinIO) does not walk past the range; otherwise it
   * lists under the deepest folder they share.
   */
  readonly listsAnyPrefix?: boolean;
  /**
   * Lists one level below `prefix` with `/` as delimiter. Sizes and modification times come from
   * the listing itself; implementations must not issue one request per object. With
   * `startAfter`, only the entries (objects and sub-prefixes) after it; with `limit`, about that
   * many entries at most (one S3 page for up to 1000): remote adapters should honour both, so that
   * a summary can look for split points in a huge folder with one request. An adapter that
   * ignores them stays correct, only slower.
   */
  listLevel(
    bucket: string,
    prefix: string,
    options?: { startAfter?: string; limit?: number },
  ): Promise<StorageListing>;
  /**
   * Lists every object below `prefix`, page after page, in key order; with `startAfter`, only
   * the keys after it (S3 `start-after`), so that a keyspace can be listed in parallel ranges.
   * An implementation that ignores `startAfter` stays correct, only slower.
   */
  listRecursive(
    bucket: string,
    prefix: string,
    options?: { startAfter?: string },
  ): AsyncIterable<StorageObjectInfo>;
  /** Metadata of one object, or `undefined` when it does not exist. */
  stat(bucket: string, key: string): Promise<StorageObjectInfo | undefined>;
  /** Reads an object, or the given byte range of it. */
  read(
    bucket: string,
    key: string,
    range?: StorageByteRange,
  ): Promise<Readable>;
  /**
   * Stores an object from a stream. Large bodies are sent in parts (multipart upload); the
   * object becomes visible only once complete, so a failed upload leaves no partial object.
   */
  write(
    bucket: string,
    key: string,
    body: Readable,
    options?: StorageWriteOptions,
  ): Promise<StorageObjectInfo>;
  /**
   * A time-limited URL that downloads the object without further credentials. Adapters that
   * cannot sign URLs leave it out; the backend then signs a link to its own download route.
   * `versionId` (only when {@link StorageAdapter.presignVersions}) signs that version.
   */
  presignDownload?(
    bucket: string,
    key: string,
    expiresInSeconds: number,
    versionId?: string,
  ): Promise<string>;
  /** True when {@link StorageAdapter.presignDownload} signs links to object versions. */
  readonly presignVersions?: boolean;
  /**
   * The path of the object on the local file system when the store is a local directory, so a
   * query engine can read it in place. Adapters of remote stores leave it out.
   */
  localPath?(bucket: string, key: string): string;
  /** Throws with a reason a person can act on when the store cannot be reached. */
  check(): Promise<void>;
  /**
   * Copies an object inside a bucket without moving its bytes through the backend (S3
   * CopyObject; a file copy on a local store). Overwrites `dstKey`.
   */
  copy?(
    bucket: string,
    srcKey: string,
    dstKey: string,
    options?: StorageCopyOptions,
  ): Promise<void>;
  /**
   * Freezes an object for a snapshot into a content-addressed area under `folder` (such as
   * `.kaml-d-snapshots/blobs/`) and answers where it went and the sha256 of its bytes. The frozen
   * copy must share nothing writable with the live object (on a local store: no hard link, but a
   * copy-on-write clone or a copy), so no later write to the live object, in place or not, reaches
   * it; an object with bytes frozen before reuses that copy. The size, ETag and time answered are
   * the source's while its bytes were read.
   */
  freeze?(
    bucket: string,
    srcKey: string,
    folder: string,
  ): Promise<StorageFrozenObject>;
  /**
   * Puts a frozen object back under `dstKey` as a new object of its own (never the frozen copy
   * itself, so writes to the restored object do not reach the snapshot), with `lastModified` as
   * its time where the store lets it be set. Replaces `dstKey` atomically.
   */
  thaw?(
    bucket: string,
    storedKey: string,
    dstKey: string,
    options?: { lastModified?: Date },
  ): Promise<void>;
  /** Deletes objects; keys that do not exist are ignored. */
  remove?(bucket: string, keys: string[]): Promise<void>;
  /** Whether the bucket keeps object versions (S3 bucket versioning `Enabled`). */
  versioning?(bucket: string): Promise<boolean>;
  /**
   * Lists the current version of every object below `prefix` with its version id, page after
   * page (S3 ListObjectVersions: one request per 1000 versions, none per object). Objects whose
   * current version is a delete marker are left out. Buckets that keep versions only.
   */
  listCurrentVersions?(
    bucket: string,
    prefix: string,
  ): AsyncIterable<StorageObjectInfo>;
  /** Reads one version of an object (buckets that keep versions). */
  readVersion?(
    bucket: string,
    key: string,
    versionId: string,
  ): Promise<Readable>;
}
