import { InputError } from '@backstage/errors';
import {
  ObjectDatasetSnapshotObject,
  ObjectDatasetSource,
} from '@kaml-d/plugin-kaml-d-node';
import { ObjectLocation, StorageService } from '../Storage';
import { isDataFile, listed } from '../QueryEngine/duckdb/files';
import { StarterFile } from './starter';

/** More files than this make a starter notebook unwieldy: the user is told to use SQL. */
export const MAX_NOTEBOOK_FILES = 500;

/**
 * Links to each data file of a dataset (or of one of its snapshots), each granting read access
 * to that one object for `ttlSeconds`: presigned URLs of the store when it signs them (S3),
 * otherwise the backend's own signed download links. No store credential leaves the backend.
 */
export async function dataFileLinks(options: {
  source: ObjectDatasetSource;
  location: ObjectLocation;
  storage: StorageService;
  ttlSeconds: number;
  now?: () => number;
}): Promise<{ files: StarterFile[]; expiresAt: string }> {
  const { source, location, storage, ttlSeconds } = options;
  const objects: ObjectDatasetSnapshotObject[] = [];
  for await (const object of source.objects ?? listed(source)) {
    if (!isDataFile(object.datasetKey, source.format)) continue;
    // hidden folders (partial uploads, the snapshot store) are never data, in snapshots too
    const relative = object.datasetKey.slice(source.prefix.length);
    if (relative.split('/').some(segment => segment.startsWith('.'))) continue;
    objects.push(object);
    if (objects.length > MAX_NOTEBOOK_FILES) {
      throw new InputError(
        `${source.name} has more than ${MAX_NOTEBOOK_FILES} ${source.format} files, too many for a starter notebook; query it with SQL from the Query tab instead.`,
      );
    }
  }
  objects.sort((a, b) => (a.datasetKey < b.datasetKey ? -1 : 1));
  const adapter = source.storage;
  let expires = (options.now ?? Date.now)() + ttlSeconds * 1000;
  const files = await Promise.all(
    objects.map(async object => {
      const name = object.datasetKey.slice(source.prefix.length);
      if (object.versionId) {
        if (!adapter.presignDownload || adapter.presignVersions !== true) {
          throw new InputError(
            `Snapshot ${source.snapshotId} of ${source.name} keeps its files as object versions, and the ${adapter.type} store cannot sign links to versions; open the dataset as it is now, or take the snapshot on a store that copies.`,
          );
        }
        const url = await adapter.presignDownload(
          source.bucket,
          object.key,
          ttlSeconds,
          object.versionId,
        );
        return { name, url };
      }
      if (adapter.presignDownload) {
        const url = await adapter.presignDownload(
          source.bucket,
          object.key,
          ttlSeconds,
        );
        return { name, url };
      }
      if (object.key !== object.datasetKey) {
        throw new InputError(
          `The ${adapter.type} store cannot sign links to snapshot copies; open ${source.name} as it is now.`,
        );
      }
      const link = await storage.downloadLink(location, name);
      expires = Math.min(expires, Date.parse(link.expiresAt));
      return { name, url: link.url };
    }),
  );
  return { files, expiresAt: new Date(expires).toISOString() };
}
