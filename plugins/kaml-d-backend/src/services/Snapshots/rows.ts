import { InputError, NotFoundError } from '@backstage/errors';
import {
  DatasetSnapshot,
  DatasetSnapshotManifest,
  DatasetSnapshotMethod,
  DatasetSnapshotObject,
} from '@kaml-d/plugin-kaml-d-common';
import { Knex } from 'knex';
import { createHash, randomBytes } from 'node:crypto';
import { SNAPSHOT_ID_PATTERN } from './ids';

// The database side of snapshots: table names, rows and the manifest read from them.

export const SNAPSHOTS = 'kaml_d_dataset_snapshots';
export const OBJECTS = 'kaml_d_snapshot_objects';
export const RESTORES = 'kaml_d_snapshot_restores';

export interface SnapshotRow {
  id: string;
  entity_ref: string;
  state: string;
  reason: string;
  created_at: string | Date;
  created_by: string;
  message: string;
  method: string;
  adapter: string;
  bucket: string;
  prefix: string;
  object_count: number | string;
  total_bytes: number | string;
  digest: string;
  /** Why a volume snapshot failed (state `failed`). */
  error?: string | null;
}

export function newSnapshotId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'z')
    .toLowerCase();
  return `snap-${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * `sha256:<hex>` over the manifest sorted by path: path, size, ETag and version id of each
 * object, and the sha256 of its bytes where the snapshot recorded one (content-addressed).
 */
export function manifestDigest(objects: DatasetSnapshotObject[]): string {
  const hash = createHash('sha256');
  for (const o of [...objects].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    hash.update(
      `${o.path}\t${o.size}\t${o.etag ?? ''}\t${o.versionId ?? ''}${
        o.sha256 ? `\t${o.sha256}` : ''
      }\n`,
    );
  }
  return `sha256:${hash.digest('hex')}`;
}

export function toSnapshot(row: SnapshotRow): DatasetSnapshot {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
    message: row.message,
    method: row.method as DatasetSnapshotMethod,
    adapter: row.adapter,
    bucket: row.bucket,
    prefix: row.prefix,
    objectCount: Number(row.object_count),
    totalBytes: Number(row.total_bytes),
    digest: row.digest,
    reason: row.reason as DatasetSnapshot['reason'],
  };
}

/** The row of one manifest object. */
export function objectRow(snapshotId: string, o: DatasetSnapshotObject) {
  return {
    snapshot_id: snapshotId,
    path: o.path,
    size: o.size,
    etag: o.etag ?? null,
    version_id: o.versionId ?? null,
    stored_key: o.storedKey ?? null,
    sha256: o.sha256 ?? null,
    last_modified: o.lastModified ? new Date(o.lastModified) : null,
  };
}

/** A complete snapshot of `entityRef` with its objects; 400 for a malformed id, 404 if unknown. */
export async function manifestOf(
  db: Knex,
  entityRef: string,
  id: string,
): Promise<DatasetSnapshotManifest> {
  if (!SNAPSHOT_ID_PATTERN.test(id)) {
    throw new InputError(
      `"${id}" is not a snapshot id; snapshot ids look like snap-20261126t070102z-3f9a1c.`,
    );
  }
  const row = await db<SnapshotRow>(SNAPSHOTS)
    .where({ id, entity_ref: entityRef, state: 'complete' })
    .first();
  if (!row) {
    throw new NotFoundError(`No snapshot ${id} of ${entityRef}.`);
  }
  const rows = await db(OBJECTS).where({ snapshot_id: id }).orderBy('path');
  return {
    ...toSnapshot(row),
    objects: rows.map(r => ({
      path: r.path,
      size: Number(r.size),
      ...(r.etag ? { etag: r.etag } : {}),
      ...(r.version_id ? { versionId: r.version_id } : {}),
      ...(r.stored_key ? { storedKey: r.stored_key } : {}),
      ...(r.sha256 ? { sha256: r.sha256 } : {}),
      ...(r.last_modified
        ? { lastModified: new Date(r.last_modified).toISOString() }
        : {}),
    })),
  };
}
