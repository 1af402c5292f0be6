import { CacheService, DiscoveryService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { StorageAdapter } from '@kaml-d/plugin-kaml-d-node';
import { StorageSummaryResponse } from '@kaml-d/plugin-kaml-d-common';
import { fileURLToPath } from 'node:url';
import { StorageConfig } from '@kaml-d/plugin-kaml-d-node';
import { FileStorageAdapter } from '@kaml-d/plugin-kaml-d-node';
import { S3StorageAdapter } from '@kaml-d/plugin-kaml-d-node';
import {
  ensureFolder,
  hiddenFolderOf,
  keyUnderPrefix,
  normaliseRelativeKey,
  validateBucketName,
} from '@kaml-d/plugin-kaml-d-node';
import { LinkSigner } from './signing';
import { summarizePrefixParallel } from '@kaml-d/plugin-kaml-d-node';
import { ObjectLocation, SignedDownload, StorageService } from './types';

/** Route of the backend that serves signed download links of the file adapter. */
export const SIGNED_DOWNLOAD_PATH = '/storage/files';
const SUMMARY_CACHE_KEY = 'storage-summary:v1';

/** Parses an HTTP `Range: bytes=a-b` header against an object size. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) {
    throw new InputError(
      `Range "${header}" is not supported; send one range such as bytes=0-1023.`,
    );
  }
  let start: number;
  let end: number;
  if (match[1] === '') {
    // suffix range: the last N bytes
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) {
    throw new InputError(
      `Range "${header}" is outside the object (${size} bytes).`,
    );
  }
  return { start, end };
}

/** Builds the storage service over the configured adapters. */
export function createStorageService(options: {
  config: StorageConfig;
  cache: CacheService;
  discovery: DiscoveryService;
  signer: LinkSigner;
  /** Adapters added by backend modules through `kamlDStorageExtensionPoint`. */
  extraAdapters?: StorageAdapter[];
}): StorageService {
  const { config, cache, discovery, signer } = options;
  const fileAdapter = new FileStorageAdapter(config.file.root);
  const adapters = new Map<string, StorageAdapter>([['file', fileAdapter]]);
  if (config.s3)
    adapters.set('s3', new S3StorageAdapter(config.s3, config.uploadBucket));
  for (const adapter of options.extraAdapters ?? [])
    adapters.set(adapter.type, adapter);
  const defaultAdapter = adapters.get(config.adapter);
  if (!defaultAdapter) {
    throw new Error(
      `kamlD.storage.adapter is "${
        config.adapter
      }" but no such storage adapter is installed; use one of ${[
        ...adapters.keys(),
      ].join(', ')}`,
    );
  }

  /** Refuses a location or key below a dot-folder (the snapshot store, partial uploads). */
  const refuseHidden = (path: string, what: string) => {
    const hidden = hiddenFolderOf(path);
    if (hidden !== undefined) {
      throw new InputError(
        `${what} "${path}" is under the folder "${hidden}", which starts with "." and is never a dataset (the snapshot store .kaml-d-snapshots/, partial uploads and other hidden folders); use a folder whose name does not start with ".".`,
      );
    }
  };

  const resolveLocation = (uri: string): ObjectLocation => {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new InputError(
        `Dataset location "${uri}" is not a URL such as s3://bucket/prefix/.`,
      );
    }
    if (url.protocol === 's3:') {
      const bucket = validateBucketName(url.hostname);
      const path = decodeURIComponent(url.pathname).replace(/^\//, '');
      const prefix =
        path === ''
          ? ''
          : normaliseRelativeKey(ensureFolder(path), 'location prefix');
      refuseHidden(prefix, 'Dataset location');
      return { adapter: defaultAdapter, bucket, prefix, uri };
    }
    if (url.protocol === 'file:') {
      const found = fileAdapter.locate(fileURLToPath(url));
      if (!found || found.bucket === '') {
        throw new InputError(
          `Dataset location "${uri}" is outside the storage root; move the files into a bucket folder under kamlD.storage.file.root.`,
        );
      }
      const bucket = validateBucketName(found.bucket);
      const prefix =
        found.key === ''
          ? ''
          : normaliseRelativeKey(ensureFolder(found.key), 'location prefix');
      refuseHidden(prefix, 'Dataset location');
      return { adapter: fileAdapter, bucket, prefix, uri };
    }
    throw new InputError(
      `Dataset location "${uri}" is not in object storage; only s3:// and file:// locations have objects.`,
    );
  };

  return {
    defaultAdapter,
    uploadBucket: config.uploadBucket,
    resolveLocation,

    async listLevel(location, folder) {
      const prefix = folder
        ? keyUnderPrefix(location.prefix, ensureFolder(folder), 'folder')
        : location.prefix;
      refuseHidden(prefix, 'Folder');
      return location.adapter.listLevel(location.bucket, prefix);
    },

    summarize(location) {
      return summarizePrefixParallel(
        location.adapter,
        location.bucket,
        location.prefix,
        config.listConcurrency,
      );
    },

    async summary() {
      const cached = await cache.get(SUMMARY_CACHE_KEY);
      if (cached) return cached as unknown as StorageSummaryResponse;
      const parts = await Promise.all(
        config.summaryBuckets.map(bucket =>
          summarizePrefixParallel(
            defaultAdapter,
            bucket,
            '',
            config.listConcurrency,
          ),
        ),
      );
      let lastModified: Date | undefined;
      for (const part of parts) {
        if (
          part.lastModified &&
          (!lastModified || part.lastModified > lastModified)
        ) {
          lastModified = part.lastModified;
        }
      }
      const bytes = parts.reduce((sum, p) => sum + p.bytes, 0);
      const summary: StorageSummaryResponse = {
        adapter: defaultAdapter.type,
        buckets: config.summaryBuckets,
        datasets: parts.reduce((sum, p) => sum + p.childPrefixes, 0),
        objects: parts.reduce((sum, p) => sum + p.objects, 0),
        bytes,
        ...(lastModified ? { lastModified: lastModified.toISOString() } : {}),
        ...(config.capacityBytes
          ? {
              capacityBytes: config.capacityBytes,
              percentUsed:
                Math.round((bytes / config.capacityBytes) * 1000) / 10,
            }
          : {}),
        measuredAt: new Date().toISOString(),
      };
      await cache.set(
        SUMMARY_CACHE_KEY,
        { ...summary },
        { ttl: { seconds: config.summaryCacheSeconds } },
      );
      return summary;
    },

    async downloadLink(location, relativeKey) {
      const key = keyUnderPrefix(location.prefix, relativeKey);
      refuseHidden(key, 'File');
      const info = await location.adapter.stat(location.bucket, key);
      if (!info) {
        throw new NotFoundError(`The dataset has no file "${relativeKey}".`);
      }
      const ttl = config.downloadLinkTtlSeconds;
      const expiresAt = new Date(Date.now() + ttl * 1000);
      let url: string;
      if (location.adapter.presignDownload) {
        url = await location.adapter.presignDownload(location.bucket, key, ttl);
      } else {
        const token = await signer.sign({
          adapter: location.adapter.type,
          bucket: location.bucket,
          key,
          expires: Math.floor(expiresAt.getTime() / 1000),
        });
        const base = await discovery.getExternalBaseUrl('kaml-d');
        url = `${base}${SIGNED_DOWNLOAD_PATH}/${encodeURIComponent(token)}`;
      }
      return {
        url,
        expiresAt: expiresAt.toISOString(),
        key: relativeKey,
        size: info.size,
      };
    },

    async openSignedDownload(token, rangeHeader): Promise<SignedDownload> {
      const object = await signer.verify(token);
      const adapter = adapters.get(object.adapter);
      if (!adapter)
        throw new NotFoundError(
          'The store of this download link is no longer configured.',
        );
      const info = await adapter.stat(object.bucket, object.key);
      if (!info)
        throw new NotFoundError(
          'The file of this download link no longer exists.',
        );
      const range = parseRange(rangeHeader, info.size);
      const stream = await adapter.read(object.bucket, object.key, range);
      return {
        name: object.key.split('/').pop() ?? 'download',
        size: info.size,
        lastModified: info.lastModified,
        etag: info.etag,
        stream,
        range,
      };
    },

    check() {
      return defaultAdapter.check();
    },
  };
}
