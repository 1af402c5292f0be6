import { StorageAdapter, StorageObjectInfo } from '@kaml-d/plugin-kaml-d-node';
import { StorageSummaryResponse } from '@kaml-d/plugin-kaml-d-common';
import { Readable } from 'node:stream';
import { PrefixSummary } from '@kaml-d/plugin-kaml-d-node';

/** A dataset's place in object storage. */
export interface ObjectLocation {
  adapter: StorageAdapter;
  bucket: string;
  /** Prefix of the dataset, ending with `/`. */
  prefix: string;
  /** The location as the entity states it. */
  uri: string;
}

/** An object opened through a signed download link. */
export interface SignedDownload {
  name: string;
  size: number;
  lastModified?: Date;
  etag?: string;
  stream: Readable;
  range?: { start: number; end: number };
}

/** Object storage as the rest of the backend sees it. */
export interface StorageService {
  /** The adapter that serves `s3://` locations (`kamlD.storage.adapter`). */
  readonly defaultAdapter: StorageAdapter;
  /** Bucket that uploads go to. */
  readonly uploadBucket: string;
  /**
   * Maps `s3://bucket/prefix/` or `file:///path/` (inside the file root) to an adapter; throws
   * InputError for other locations.
   */
  resolveLocation(uri: string): ObjectLocation;
  /** One level of a dataset's objects, below an optional sub-folder (validated). */
  listLevel(
    location: ObjectLocation,
    folder?: string,
  ): Promise<{ objects: StorageObjectInfo[]; prefixes: string[] }>;
  /** Count, bytes and last modification under a location, by parallel listing. */
  summarize(location: ObjectLocation): Promise<PrefixSummary>;
  /** The storage line of the Workbench: datasets, bytes, share of capacity (cached). */
  summary(): Promise<StorageSummaryResponse>;
  /** A time-limited download URL of one object of a dataset (404 when it does not exist). */
  downloadLink(
    location: ObjectLocation,
    relativeKey: string,
  ): Promise<{ url: string; expiresAt: string; key: string; size: number }>;
  /** Opens the object a signed link names, with an optional `Range` header value. */
  openSignedDownload(
    token: string,
    rangeHeader?: string,
  ): Promise<SignedDownload>;
  /** Throws when the default store cannot be reached. */
  check(): Promise<void>;
}
