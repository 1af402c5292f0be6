import { LoggerService } from '@backstage/backend-plugin-api';
import { DatasetSnapshot } from '@kaml-d/plugin-kaml-d-common';
import { StorageAdapter, StorageObjectInfo } from '@kaml-d/plugin-kaml-d-node';
import { Knex } from 'knex';
import { AuditLogService } from '../Audit';
import { BLOB_FOLDER, snapshotFolder } from './objects';
import { unlinkLegacySnapshots } from './legacy';
import { applySnapshot } from './restore';
import {
  OBJECTS,
  RESTORES,
  SNAPSHOTS,
  SnapshotRow,
  manifestOf,
  toSnapshot,
} from './rows';

/** A bucket and the adapter type its snapshots were taken on. */
interface StoreRef {
  bucket: string;
  adapter: string;
}

/** Blobs looked up in the manifest table per query by the sweep of unreferenced blobs. */
const SWEEP_PAGE = 500;

/**
 * Crash recovery: deletes pending snapshots older than the cutoff with their copies, rolls
 * forward restores a killed process left running, and deletes blobs no manifest names (left by
 * killed or failed snapshots) once they are older than the cutoff.
 */
export function createRecovery(options: {
  db: Knex;
  audit: AuditLogService;
  logger: LoggerService;
  adapterOf: (
    snapshot: Pick<DatasetSnapshot, 'id' | 'bucket' | 'adapter'>,
  ) => StorageAdapter;
  copyConcurrency: number;
}) {
  const { db, audit, logger, adapterOf, copyConcurrency } = options;

  /**
   * Deletes the unreferenced entries of a bucket's blob folder (blobs and the temporary copies
   * of a killed freeze) not touched since `cutoff`. A snapshot that reuses a blob touches it
   * first, and each candidate is looked at again just before it goes, so a blob an in-flight
   * snapshot took up is kept; the whole bucket is skipped while a snapshot there is pending.
   */
  async function sweepBlobs(
    adapter: StorageAdapter,
    bucket: string,
    cutoff: Date,
  ): Promise<number> {
    const inFlight = await db(SNAPSHOTS)
      .where({ state: 'pending', bucket })
      .first();
    if (inFlight || !adapter.remove) return 0;
    const old = (o: StorageObjectInfo | undefined) =>
      o?.lastModified !== undefined && o.lastModified < cutoff;
    let removed = 0;
    let page: StorageObjectInfo[] = [];
    const flush = async () => {
      const keys = page.map(o => o.key);
      page = [];
      const referenced = new Set(
        (
          await db(OBJECTS).distinct('stored_key').whereIn('stored_key', keys)
        ).map(r => r.stored_key as string),
      );
      for (const key of keys) {
        if (referenced.has(key)) continue;
        if (!old(await adapter.stat(bucket, key))) continue;
        await adapter.remove!(bucket, [key]);
        removed++;
      }
    };
    for await (const o of adapter.listRecursive(bucket, BLOB_FOLDER)) {
      if (!old(o)) continue;
      page.push(o);
      if (page.length >= SWEEP_PAGE) await flush();
    }
    if (page.length > 0) await flush();
    return removed;
  }

  return async function recover(
    olderThanMs: number,
  ): Promise<{ swept: number; rolledForward: number }> {
    let swept = 0;
    let rolledForward = 0;
    // snapshots of old that still share inodes with live files get blobs of their own first
    await unlinkLegacySnapshots({ db, logger, adapterOf });
    const cutoff = new Date(Date.now() - olderThanMs);
    // volume snapshots settle on the cluster's word instead (volumes/settle.ts)
    const pending = await db<SnapshotRow>(SNAPSHOTS)
      .where({ state: 'pending' })
      .whereNot({ method: 'volume-snapshot' })
      .andWhere('created_at', '<', cutoff);
    for (const row of pending) {
      const snapshot = toSnapshot(row);
      const adapter = adapterOf(snapshot);
      // copies of `copy` (and old `hardlink`) snapshots; blobs are swept below
      const folder = snapshotFolder(snapshot.entityRef, snapshot.id);
      const keys: string[] = [];
      for await (const o of adapter.listRecursive(snapshot.bucket, folder)) {
        keys.push(o.key);
      }
      await adapter.remove?.(snapshot.bucket, keys);
      await db(SNAPSHOTS).where({ id: snapshot.id, state: 'pending' }).delete();
      logger.info(
        `Swept pending snapshot ${snapshot.id} of ${snapshot.entityRef} (${keys.length} objects)`,
      );
      swept++;
    }

    const running = await db(RESTORES).where({ state: 'running' });
    for (const journal of running) {
      const manifest = await manifestOf(
        db,
        journal.entity_ref,
        journal.snapshot_id,
      );
      await applySnapshot(manifest, adapterOf(manifest), copyConcurrency);
      await db.transaction(async tx => {
        await tx(RESTORES).where({ id: journal.id }).update({ state: 'done' });
        await audit.append(
          {
            actor: journal.started_by,
            action: 'dataset.snapshot.restore',
            entityRef: journal.entity_ref,
            outcome: 'success',
            details: {
              snapshotId: journal.snapshot_id,
              safetySnapshotId: journal.safety_snapshot_id,
              recovered: true,
            },
          },
          tx,
        );
      });
      logger.info(
        `Rolled forward restore of ${journal.snapshot_id} on ${journal.entity_ref}`,
      );
      rolledForward++;
    }

    // blobs of every bucket that holds (or held, for the pending rows just swept) blobs
    const stores = new Map<string, StoreRef>();
    const holders: StoreRef[] = await db(SNAPSHOTS)
      .distinct('bucket', 'adapter')
      .where({ method: 'content-addressed' });
    for (const store of [
      ...pending.filter(row => row.method === 'content-addressed'),
      ...holders,
    ]) {
      stores.set(store.bucket, {
        bucket: store.bucket,
        adapter: store.adapter,
      });
    }
    for (const store of stores.values()) {
      const adapter = adapterOf({ id: 'blobs', ...store });
      const removed = await sweepBlobs(adapter, store.bucket, cutoff);
      if (removed > 0) {
        logger.info(
          `Swept ${removed} unreferenced snapshot blobs in ${store.bucket}`,
        );
      }
    }
    return { swept, rolledForward };
  };
}
