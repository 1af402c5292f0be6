import { Config } from '@backstage/config';
import { resolve } from 'node:path';
import { validateBucketName } from './keys';

/**
 * Adapter used for `s3://` locations when none is configured.
 *
 * @public
 */
export const DEFAULT_STORAGE_ADAPTER = 'file';
/**
 * Bucket uploads go to, and the one the storage summary measures, when none is configured.
 *
 * @public
 */
export const DEFAULT_UPLOAD_BUCKET = 'kaml-datasets';
/**
 * Listings in flight at once when summarising a prefix.
 *
 * @public
 */
export const DEFAULT_LIST_CONCURRENCY = 16;
/**
 * Lifetime of download links.
 *
 * @public
 */
export const DEFAULT_DOWNLOAD_LINK_TTL_SECONDS = 15 * 60;
/**
 * How long a storage summary is reused before the buckets are listed again.
 *
 * @public
 */
export const DEFAULT_SUMMARY_CACHE_SECONDS = 60;
/**
 * Folder under `KAML_DATA_DIR` that holds the file adapter's buckets.
 *
 * @public
 */
export const DEFAULT_FILE_ROOT_FOLDER = 'storage';
/**
 * Largest file one upload accepts.
 *
 * @public
 */
export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024 * 1024;
/**
 * Region sent to S3 APIs that ignore it (MinIO, Ceph).
 *
 * @public
 */
export const DEFAULT_S3_REGION = 'us-east-1';

/**
 * Settings of the S3 adapter.
 *
 * @public
 */
export interface S3StorageConfig {
  endPoint: string;
  port?: number;
  useSSL: boolean;
  region: string;
  accessKey: string;
  secretKey: string;
  pathStyle: boolean;
}

/**
 * `kamlD.storage`, read once at startup.
 *
 * @public
 */
export interface StorageConfig {
  adapter: string;
  uploadBucket: string;
  /** Buckets measured by the storage summary (the upload bucket first). */
  summaryBuckets: string[];
  capacityBytes?: number;
  listConcurrency: number;
  downloadLinkTtlSeconds: number;
  summaryCacheSeconds: number;
  maxUploadBytes: number;
  file: { root: string; signingSecret?: string };
  s3?: S3StorageConfig;
}

function positiveInteger(
  config: Config,
  key: string,
  fallback: number,
): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(
      `kamlD.storage.${key} must be a positive whole number, got ${value}`,
    );
  }
  return value;
}

function readS3(config: Config): S3StorageConfig {
  const endpoint = config.getString('endpoint');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(
      `kamlD.storage.s3.endpoint must be a URL such as https://s3.example.com or http://127.0.0.1:9000, got "${endpoint}"`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(
      `kamlD.storage.s3.endpoint must use http or https, got "${url.protocol}"`,
    );
  }
  return {
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    useSSL: url.protocol === 'https:',
    region: config.getOptionalString('region') ?? DEFAULT_S3_REGION,
    accessKey: config.getString('accessKeyId'),
    secretKey: config.getString('secretAccessKey'),
    pathStyle: config.getOptionalBoolean('pathStyle') ?? true,
  };
}

/**
 * Reads `kamlD.storage`. Fails fast, naming the key to change, when a value is invalid or the
 * selected adapter lacks its settings.
 *
 * @param env - environment variables (for `KAML_DATA_DIR`)
 *
 * @public
 */
export function readStorageConfig(
  root: Config,
  env: Record<string, string | undefined> = process.env,
): StorageConfig {
  const config = root.getOptionalConfig('kamlD.storage');
  const adapter =
    config?.getOptionalString('adapter') ?? DEFAULT_STORAGE_ADAPTER;
  const uploadBucket = validateBucketName(
    config?.getOptionalString('uploadBucket') ?? DEFAULT_UPLOAD_BUCKET,
  );
  const extra = config?.getOptionalStringArray('summaryBuckets') ?? [];
  const summaryBuckets = [
    ...new Set([uploadBucket, ...extra.map(validateBucketName)]),
  ];

  const capacityBytes = config?.getOptionalNumber('capacityBytes');
  if (capacityBytes !== undefined && !(capacityBytes > 0)) {
    throw new Error(
      `kamlD.storage.capacityBytes must be a positive number of bytes, got ${capacityBytes}`,
    );
  }

  const dataDir = env.KAML_DATA_DIR ?? resolve(process.cwd(), 'data');
  const fileRoot = resolve(
    config?.getOptionalString('file.root') ??
      resolve(dataDir, DEFAULT_FILE_ROOT_FOLDER),
  );

  const s3Config = config?.getOptionalConfig('s3');
  if (adapter === 's3' && !s3Config) {
    throw new Error(
      'kamlD.storage.adapter is "s3" but kamlD.storage.s3 is missing; set its endpoint, accessKeyId and secretAccessKey',
    );
  }

  return {
    adapter,
    uploadBucket,
    summaryBuckets,
    capacityBytes,
    listConcurrency: config
      ? positiveInteger(config, 'listConcurrency', DEFAULT_LIST_CONCURRENCY)
      : DEFAULT_LIST_CONCURRENCY,
    downloadLinkTtlSeconds: config
      ? positiveInteger(
          config,
          'downloadLinkTtlSeconds',
          DEFAULT_DOWNLOAD_LINK_TTL_SECONDS,
        )
      : DEFAULT_DOWNLOAD_LINK_TTL_SECONDS,
    summaryCacheSeconds: config
      ? positiveInteger(
          config,
          'summaryCacheSeconds',
          DEFAULT_SUMMARY_CACHE_SECONDS,
        )
      : DEFAULT_SUMMARY_CACHE_SECONDS,
    maxUploadBytes: config
      ? positiveInteger(config, 'maxUploadBytes', DEFAULT_MAX_UPLOAD_BYTES)
      : DEFAULT_MAX_UPLOAD_BYTES,
    file: {
      root: fileRoot,
      signingSecret: config?.getOptionalString('file.signingSecret'),
    },
    s3: s3Config ? readS3(s3Config) : undefined,
  };
}
