import { InputError } from '@backstage/errors';
import {
  DatasetSnapshotMethod,
  DatasetSnapshotObject,
} from '@kaml-d/plugin-kaml-d-common';
import { StorageAdapter } from '@kaml-d/plugin-kaml-d-node';
import { SNAPSHOT_ROOT } from './types';

/**
 * Folder of every bucket that holds the content-addressed blobs of `content-addressed`
 * snapshots, shared by all snapshots of the bucket (equal bytes are stored once).
 */
export const BLOB_FOLDER = `${SNAPSHOT_ROOT}blobs/`;

/** Where a snapshot's copied objects live (`copy` snapshots, and `hardlink` ones of old). */
export function snapshotFolder(entityRef: string, id: string): string {
  const [, rest] = entityRef.split(':');
  const [namespace, name] = rest.split('/');
  return `${SNAPSHOT_ROOT}${namespace}/${name}/${id}/`;
}

/**
 * The dataset's objects now, relative to its prefix (snapshot folders excluded); with
 * `withVersions`, each with its current version id from the version listing when the store
 * has one (no request per object).
 */
export async function currentObjects(
  adapter: StorageAdapter,
  bucket: string,
  prefix: string,
  withVersions = false,
): Promise<DatasetSnapshotObject[]> {
  const objects: DatasetSnapshotObject[] = [];
  const listing =
    withVersions && adapter.listCurrentVersions
      ? adapter.listCurrentVersions(bucket, prefix)
      : adapter.listRecursive(bucket, prefix);
  for await (const o of listing) {
    if (o.key.startsWith(SNAPSHOT_ROOT)) continue;
    const path = o.key.slice(prefix.length);
    if (path.startsWith(SNAPSHOT_ROOT)) continue;
    objects.push({
      path,
      size: o.size,
      etag: o.etag,
      ...(o.versionId ? { versionId: o.versionId } : {}),
    });
  }
  return objects;
}

/**
 * How a new snapshot on this store holds its objects: version ids where the bucket keeps
 * versions, content-addressed blobs where the adapter can freeze (the file store), server-side
 * copies otherwise. Never links to live objects.
 */
export async function methodFor(
  adapter: StorageAdapter,
  bucket: string,
): Promise<DatasetSnapshotMethod> {
  if (adapter.versioning && (await adapter.versioning(bucket))) {
    return 'version-ids';
  }
  if (adapter.freeze) return 'content-addressed';
  if (adapter.copy) return 'copy';
  throw new InputError(
    `The storage adapter "${adapter.type}" cannot copy objects, so it cannot keep snapshots.`,
  );
}
