import { LoggerService } from '@backstage/backend-plugin-api';
import { createS3Client, StorageConfig } from '@kaml-d/plugin-kaml-d-node';
import { Client } from 'minio';
import { FSWatcher, watch } from 'node:fs';
import { join, sep } from 'node:path';

/** Changes that arrive within this time are applied together (a copy writes many files). */
export const CHANGE_SETTLE_MS = 300;

/** A running feed of changed keys; `close()` ends it. */
export interface ChangeFeed {
  /** `file watcher` or `MinIO bucket notifications`. */
  readonly kind: string;
  close(): void;
}

/** Where a feed listens, and what it calls with the keys (relative to the bucket) that changed. */
export interface ChangeFeedOptions {
  storage: StorageConfig;
  bucket: string;
  /** Only keys below this prefix (ends with `/`, or empty for the whole bucket). */
  prefix: string;
  logger: LoggerService;
  onKeys(keys: string[]): void;
}

/** Collects keys and hands them over once no new key came for {@link CHANGE_SETTLE_MS}. */
function settled(onKeys: (keys: string[]) => void) {
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  return {
    add(key: string) {
      pending.add(key);
      clearTimeout(timer);
      timer = setTimeout(() => {
        const keys = [...pending];
        pending = new Set();
        onKeys(keys);
      }, CHANGE_SETTLE_MS);
      timer.unref?.();
    },
    stop() {
      clearTimeout(timer);
    },
  };
}

/**
 * Watches the file store's folder of the bucket (recursively) and reports the keys of files
 * created, changed or removed below the prefix. Each replica watches its own view of the store.
 */
function fileFeed(options: ChangeFeedOptions): ChangeFeed {
  const folder = join(options.storage.file.root, options.bucket);
  const batch = settled(options.onKeys);
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(folder, { recursive: true }, (_event, name) => {
      if (!name) return;
      const key = name.toString().split(sep).join('/');
      if (key.startsWith(options.prefix)) batch.add(key);
    });
    watcher.on('error', error =>
      options.logger.warn(
        `The file watcher of ${folder} stopped (${error.message}); new files appear at the next full scan`,
      ),
    );
    watcher.unref();
  } catch (error) {
    options.logger.warn(
      `Cannot watch ${folder} (${
        (error as Error).message
      }); new files appear at the next full scan`,
    );
  }
  return {
    kind: 'file watcher',
    close() {
      batch.stop();
      watcher?.close();
    },
  };
}

/**
 * MinIO's bucket notifications (its ListenBucketNotification API, long-polled by the `minio`
 * client): the keys of objects created or removed below the prefix. A store without that API
 * (AWS S3) answers with an error once; discovery then relies on its full scans.
 */
function minioFeed(options: ChangeFeedOptions): ChangeFeed {
  const s3 = options.storage.s3!;
  const client = createS3Client(s3);
  const batch = settled(options.onKeys);
  let closed = false;
  let warned = false;
  let retry: NodeJS.Timeout | undefined;
  let poller: ReturnType<Client['listenBucketNotification']> | undefined;
  const listen = (delayMs: number) => {
    poller = client.listenBucketNotification(
      options.bucket,
      options.prefix,
      '',
      ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'],
    );
    poller.on('notification', record => {
      warned = false;
      const raw = (record as { s3?: { object?: { key?: string } } }).s3?.object
        ?.key;
      if (!raw) return;
      // event keys are URL-encoded, spaces as +
      const key = decodeURIComponent(raw.replace(/\+/g, ' '));
      if (key.startsWith(options.prefix)) batch.add(key);
    });
    poller.on('error', error => {
      poller?.stop();
      if (!warned) {
        warned = true;
        options.logger.warn(
          `No bucket notifications from ${s3.endPoint} for ${options.bucket} (${
            error instanceof Error ? error.message : String(error)
          }); listening again in ${Math.round(
            delayMs / 1000,
          )} s, meanwhile new objects appear at the next full scan`,
        );
      }
      if (closed) return;
      // a store that restarted is listened to again; one without the API is asked rarely
      retry = setTimeout(() => listen(Math.min(delayMs * 2, 300_000)), delayMs);
      retry.unref?.();
    });
  };
  listen(5_000);
  return {
    kind: 'MinIO bucket notifications',
    close() {
      closed = true;
      clearTimeout(retry);
      batch.stop();
      poller?.stop();
    },
  };
}

/** The change feed of the configured store, or `undefined` for a store without one. */
export function startChangeFeed(
  options: ChangeFeedOptions,
): ChangeFeed | undefined {
  if (options.storage.adapter === 'file') return fileFeed(options);
  if (options.storage.adapter === 's3' && options.storage.s3) {
    return minioFeed(options);
  }
  return undefined;
}
