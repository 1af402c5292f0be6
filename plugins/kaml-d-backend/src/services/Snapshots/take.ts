import { DatasetSnapshot } from '@kaml-d/plugin-kaml-d-common';
import { StorageAdapter } from '@kaml-d/plugin-kaml-d-node';
import { Knex } from 'knex';
import { AuditLogService } from '../Audit';
import { forEachLimited } from './limited';
import {
  BLOB_FOLDER,
  currentObjects,
  methodFor,
  snapshotFolder,
} from './objects';
import {
  OBJECTS,
  SNAPSHOTS,
  SnapshotRow,
  manifestDigest,
  newSnapshotId,
  objectRow,
  toSnapshot,
} from './rows';

/** Test hook: exit the process abruptly after this many objects were frozen (crash tests). */
const CRASH_AFTER_ENV = 'KAML_D_TEST_CRASH_AFTER_OBJECTS';
/** Manifest rows written per insert. */
const INSERT_BATCH = 200;

export type TakeSnapshot = (
  entityRef: string,
  location: { adapter: StorageAdapter; bucket: string },
  prefix: string,
  message: string,
  reason: 'manual' | 'before-restore',
  actor: string,
) => Promise<DatasetSnapshot>;

/**
 * Takes snapshots: a `pending` row first, then every object frozen (blob, copy or version id),
 * then the manifest and the `complete` state in one transaction with the audit event. A failure
 * drops the pending row and the per-snapshot copies; blobs, which other snapshots may share,
 * are left to the recovery sweep of unreferenced blobs.
 */
export function createSnapshotTaker(options: {
  db: Knex;
  audit: AuditLogService;
  copyConcurrency: number;
}): TakeSnapshot {
  const { db, audit, copyConcurrency } = options;

  return async function takeSnapshot(
    entityRef,
    location,
    prefix,
    message,
    reason,
    actor,
  ) {
    const { adapter, bucket } = location;
    const method = await methodFor(adapter, bucket);
    const now = new Date();
    const id = newSnapshotId(now);
    const folder = snapshotFolder(entityRef, id);
    await db(SNAPSHOTS).insert({
      id,
      entity_ref: entityRef,
      state: 'pending',
      reason,
      created_at: now,
      created_by: actor,
      message,
      method,
      adapter: adapter.type,
      bucket,
      prefix,
    });
    const copies: string[] = [];
    try {
      const objects = await currentObjects(
        adapter,
        bucket,
        prefix,
        method === 'version-ids',
      );
      const crashAfter = Number(process.env[CRASH_AFTER_ENV] ?? NaN);
      let frozen = 0;
      await forEachLimited(objects, copyConcurrency, async object => {
        const key = `${prefix}${object.path}`;
        if (method === 'version-ids') {
          // listed with its version id: nothing to ask; otherwise one HEAD
          if (object.versionId) return;
          const info = await adapter.stat(bucket, key);
          if (!info?.versionId) {
            throw new Error(`object ${key} has no version id`);
          }
          object.versionId = info.versionId;
          object.etag = info.etag;
          object.size = info.size;
          return;
        }
        if (method === 'content-addressed') {
          // the manifest records what the blob holds: its hash, and the source's size, ETag
          // and time while its bytes were read (not the listing's, which may be older)
          const blob = await adapter.freeze!(bucket, key, BLOB_FOLDER);
          object.storedKey = blob.storedKey;
          object.sha256 = blob.sha256;
          object.size = blob.size;
          object.etag = blob.etag;
          object.lastModified = blob.lastModified.toISOString();
        } else {
          const storedKey = `${folder}${object.path}`;
          copies.push(storedKey);
          await adapter.copy!(bucket, key, storedKey);
          object.storedKey = storedKey;
        }
        frozen++;
        if (frozen >= crashAfter) process.kill(process.pid, 'SIGKILL');
      });
      const digest = manifestDigest(objects);
      const totalBytes = objects.reduce((sum, o) => sum + o.size, 0);
      await db.transaction(async tx => {
        for (let i = 0; i < objects.length; i += INSERT_BATCH) {
          await tx(OBJECTS).insert(
            objects.slice(i, i + INSERT_BATCH).map(o => objectRow(id, o)),
          );
        }
        await tx(SNAPSHOTS).where({ id }).update({
          state: 'complete',
          object_count: objects.length,
          total_bytes: totalBytes,
          digest,
        });
        await audit.append(
          {
            actor,
            action: 'dataset.snapshot.create',
            entityRef,
            outcome: 'success',
            details: {
              snapshotId: id,
              method,
              reason,
              objectCount: objects.length,
              totalBytes,
              digest,
            },
          },
          tx,
        );
      });
      const row = await db<SnapshotRow>(SNAPSHOTS).where({ id }).first();
      return toSnapshot(row!);
    } catch (error) {
      // nothing half-written: drop what was copied for this snapshot and the pending row
      await adapter.remove?.(bucket, copies).catch(() => undefined);
      await db(SNAPSHOTS).where({ id }).delete();
      await audit.append({
        actor,
        action: 'dataset.snapshot.create',
        entityRef,
        outcome: 'failure',
        details: { snapshotId: id, error: String(error) },
      });
      throw error;
    }
  };
}
