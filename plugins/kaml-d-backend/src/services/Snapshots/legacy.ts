import { LoggerService } from '@backstage/backend-plugin-api';
import { DatasetSnapshot } from '@kaml-d/plugin-kaml-d-common';
import { StorageAdapter } from '@kaml-d/plugin-kaml-d-node';
import { Knex } from 'knex';
import { BLOB_FOLDER } from './objects';
import { OBJECTS, SNAPSHOTS } from './rows';

/**
 * Moves the objects of `hardlink` snapshots (taken before content-addressed blobs) into blobs:
 * their frozen files were hard links, the same inodes as the live files, so an in-place write
 * to a live file reached them. Each linked file is frozen into a blob of its own, the manifest
 * row points at the blob (with the hash of its bytes and its time) and the link is removed.
 * A linked file whose ETag no longer matches the manifest was already changed after the
 * snapshot; it is moved all the same and named in a warning. Method and digest stay as recorded.
 */
export async function unlinkLegacySnapshots(options: {
  db: Knex;
  logger: LoggerService;
  adapterOf: (
    snapshot: Pick<DatasetSnapshot, 'id' | 'bucket' | 'adapter'>,
  ) => StorageAdapter;
}): Promise<number> {
  const { db, logger, adapterOf } = options;
  const rows = await db(OBJECTS)
    .join(SNAPSHOTS, `${SNAPSHOTS}.id`, `${OBJECTS}.snapshot_id`)
    .where(`${SNAPSHOTS}.method`, 'hardlink')
    .andWhere(`${SNAPSHOTS}.state`, 'complete')
    .whereNotNull(`${OBJECTS}.stored_key`)
    .whereNull(`${OBJECTS}.sha256`)
    .select(
      `${OBJECTS}.snapshot_id as id`,
      `${OBJECTS}.path as path`,
      `${OBJECTS}.etag as etag`,
      `${OBJECTS}.stored_key as storedKey`,
      `${SNAPSHOTS}.bucket as bucket`,
      `${SNAPSHOTS}.adapter as adapter`,
      `${SNAPSHOTS}.entity_ref as entityRef`,
    );
  let moved = 0;
  for (const row of rows) {
    const adapter = adapterOf(row);
    if (!adapter.freeze || !adapter.remove) continue;
    const blob = await adapter.freeze(row.bucket, row.storedKey, BLOB_FOLDER);
    if (row.etag && blob.etag !== row.etag) {
      logger.warn(
        `Snapshot ${row.id} of ${row.entityRef}: ${row.path} was changed after the snapshot (its hard link shared the live file); its blob holds the bytes found now`,
      );
    }
    await db(OBJECTS).where({ snapshot_id: row.id, path: row.path }).update({
      stored_key: blob.storedKey,
      sha256: blob.sha256,
      last_modified: blob.lastModified.toISOString(),
    });
    await adapter.remove(row.bucket, [row.storedKey]);
    moved++;
  }
  if (moved > 0) {
    logger.info(`Moved ${moved} hard-linked snapshot objects into blobs`);
  }
  return moved;
}
