import {
  StorageAdapter,
  StorageByteRange,
  StorageCopyOptions,
  StorageListing,
  StorageObjectInfo,
  StorageWriteOptions,
} from '../storage';
import { Client, CopyDestinationOptions, CopySourceOptions } from 'minio';
import { Readable } from 'node:stream';
import { S3StorageConfig } from './config';
import { ensureFolder } from './keys';

/** Objects per listing page (the S3 maximum). */
const PAGE_SIZE = 1000;
/** Part size of multipart uploads of streams whose size is unknown. */
const PART_SIZE_BYTES = 16 * 1024 * 1024;

/**
 * The `minio` client of `kamlD.storage.s3`, for what goes beyond {@link StorageAdapter} (such as
 * MinIO's bucket notifications); the adapter uses the same client.
 *
 * @public
 */
export function createS3Client(config: S3StorageConfig): Client {
  return new Client({
    endPoint: config.endPoint,
    port: config.port,
    useSSL: config.useSSL,
    region: config.region,
    accessKey: config.accessKey,
    secretKey: config.secretKey,
    pathStyle: config.pathStyle,
    partSize: PART_SIZE_BYTES,
  });
}

/**
 * Storage in an S3 API through the `minio` client: MinIO, Ceph RGW, AWS S3 and other
 * S3-compatible stores. Listings use ListObjectsV2 (sizes and times come with the listing),
 * uploads of streams are multipart, downloads are presigned GET URLs.
 *
 * @public
 */
export class S3StorageAdapter implements StorageAdapter {
  readonly type = 's3';
  readonly listsAnyPrefix = true;
  readonly presignVersions = true;
  private readonly client: Client;

  constructor(
    private readonly config: S3StorageConfig,
    private readonly probeBucket?: string,
  ) {
    this.client = createS3Client(config);
  }

  private async *pages(
    bucket: string,
    prefix: string,
    delimiter: string,
    startAfter = '',
    pageSize = PAGE_SIZE,
  ): AsyncIterable<StorageListing> {
    let token = '';
    for (;;) {
      const page = await this.client.listObjectsV2Query(
        bucket,
        prefix,
        token,
        delimiter,
        pageSize,
        token ? '' : startAfter,
      );
      const listing: StorageListing = { objects: [], prefixes: [] };
      for (const item of page.objects) {
        if (item.prefix !== undefined) listing.prefixes.push(item.prefix);
        else
          listing.objects.push({
            key: item.name,
            size: item.size,
            lastModified: item.lastModified,
            etag: item.etag,
          });
      }
      yield listing;
      if (!page.isTruncated || !page.nextContinuationToken) return;
      token = page.nextContinuationToken;
    }
  }

  async listLevel(
    bucket: string,
    prefix: string,
    options?: { startAfter?: string; limit?: number },
  ): Promise<StorageListing> {
    const result: StorageListing = { objects: [], prefixes: [] };
    const limit = options?.limit ?? Infinity;
    for await (const page of this.pages(
      bucket,
      ensureFolder(prefix),
      '/',
      options?.startAfter,
      Math.max(1, Math.min(PAGE_SIZE, limit)),
    )) {
      result.objects.push(...page.objects);
      result.prefixes.push(...page.prefixes);
      if (result.objects.length + result.prefixes.length >= limit) break;
    }
    return result;
  }

  async *listRecursive(
    bucket: string,
    prefix: string,
    options?: { startAfter?: string },
  ): AsyncIterable<StorageObjectInfo> {
    for await (const page of this.pages(
      bucket,
      prefix,
      '',
      options?.startAfter,
    )) {
      yield* page.objects;
    }
  }

  async stat(
    bucket: string,
    key: string,
  ): Promise<StorageObjectInfo | undefined> {
    try {
      const info = await this.client.statObject(bucket, key);
      return {
        key,
        size: info.size,
        lastModified: info.lastModified,
        etag: info.etag,
        versionId: info.versionId ?? undefined,
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async read(
    bucket: string,
    key: string,
    range?: StorageByteRange,
  ): Promise<Readable> {
    if (!range) return this.client.getObject(bucket, key);
    const length =
      range.end === undefined ? undefined : range.end - range.start + 1;
    return this.client.getPartialObject(bucket, key, range.start, length);
  }

  async write(
    bucket: string,
    key: string,
    body: Readable,
    options?: StorageWriteOptions,
  ): Promise<StorageObjectInfo> {
    const uploaded = await this.client.putObject(
      bucket,
      key,
      body,
      options?.size,
      options?.contentType
        ? { 'Content-Type': options.contentType }
        : undefined,
    );
    const info = await this.stat(bucket, key);
    return info ?? { key, size: options?.size ?? 0, etag: uploaded.etag };
  }

  /** S3 CopyObject: the store copies the bytes, nothing passes through the backend. */
  async copy(
    bucket: string,
    srcKey: string,
    dstKey: string,
    options?: StorageCopyOptions,
  ): Promise<void> {
    await this.client.copyObject(
      new CopySourceOptions({
        Bucket: bucket,
        Object: srcKey,
        ...(options?.versionId ? { VersionID: options.versionId } : {}),
      }),
      new CopyDestinationOptions({ Bucket: bucket, Object: dstKey }),
    );
  }

  async remove(bucket: string, keys: string[]): Promise<void> {
    // DeleteObjects takes at most 1000 keys per request
    for (let i = 0; i < keys.length; i += 1000) {
      await this.client.removeObjects(bucket, keys.slice(i, i + 1000));
    }
  }

  async versioning(bucket: string): Promise<boolean> {
    const config = await this.client.getBucketVersioning(bucket);
    return (config as { Status?: string } | undefined)?.Status === 'Enabled';
  }

  async *listCurrentVersions(
    bucket: string,
    prefix: string,
  ): AsyncIterable<StorageObjectInfo> {
    // paged here rather than with the client's listObjects stream: it sends the next key marker
    // unescaped, which MinIO refuses (signature mismatch) once a prefix holds over 1000 versions
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (;;) {
      const page = await this.client.listObjectsQuery(bucket, prefix, '', {
        Delimiter: '',
        MaxKeys: PAGE_SIZE,
        IncludeVersion: true,
        ...(keyMarker ? { keyMarker: s3Escape(keyMarker) } : {}),
        ...(versionIdMarker
          ? { versionIdMarker: s3Escape(versionIdMarker) }
          : {}),
      });
      for (const v of page.objects as ListedVersion[]) {
        const latest = v.isLatest === true || v.isLatest === 'true';
        if (!v.name || !latest || v.isDeleteMarker) continue;
        yield {
          key: v.name,
          size: v.size ?? 0,
          lastModified: v.lastModified,
          etag: v.etag,
          versionId: v.versionId,
        };
      }
      if (!page.isTruncated || !page.keyMarker) return;
      // markers come back URL-encoded (encoding-type=url)
      keyMarker = decodeURIComponent(page.keyMarker.replace(/\+/g, ' '));
      versionIdMarker = page.versionIdMarker
        ? decodeURIComponent(page.versionIdMarker)
        : undefined;
    }
  }

  readVersion(
    bucket: string,
    key: string,
    versionId: string,
  ): Promise<Readable> {
    return this.client.getObject(bucket, key, { versionId });
  }

  presignDownload(
    bucket: string,
    key: string,
    expiresInSeconds: number,
    versionId?: string,
  ): Promise<string> {
    return this.client.presignedGetObject(
      bucket,
      key,
      expiresInSeconds,
      versionId ? { versionId } : {},
    );
  }

  async check(): Promise<void> {
    if (this.probeBucket) {
      const exists = await this.client.bucketExists(this.probeBucket);
      if (!exists) {
        throw new Error(
          `bucket "${this.probeBucket}" does not exist at ${this.config.endPoint}; create it or change kamlD.storage.uploadBucket`,
        );
      }
      return;
    }
    await this.client.listBuckets();
  }
}

/** An entry of a ListObjectVersions listing as the minio client parses it. */
interface ListedVersion {
  name?: string;
  size?: number;
  etag?: string;
  lastModified?: Date;
  versionId?: string;
  isLatest?: boolean | string;
  isDeleteMarker?: boolean;
}

/** Escapes a query value the way S3 signatures expect (RFC 3986 unreserved characters kept). */
function s3Escape(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function isNotFound(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error.code === 'NotFound' || error.code === 'NoSuchKey')
  );
}
