import { InputError } from '@backstage/errors';
import { DatasetSnapshotManifest } from '@kaml-d/plugin-kaml-d-common';
import { StorageAdapter } from '@kaml-d/plugin-kaml-d-node';
import { forEachLimited } from './limited';
import { currentObjects } from './objects';

/** Test hook: exit abruptly after this many objects were copied back by a restore. */
const RESTORE_CRASH_AFTER_ENV = 'KAML_D_TEST_CRASH_AFTER_RESTORED';

/**
 * Makes the dataset's objects exactly the snapshot's; idempotent (safe to re-run). Every object
 * put back is a new object of its own: a new version (versioned buckets), a server-side copy, or
 * on the file store a clone or copy of the frozen blob with the time the snapshot recorded. The
 * frozen copy itself never becomes a live, writable object again.
 */
export async function applySnapshot(
  manifest: DatasetSnapshotManifest,
  adapter: StorageAdapter,
  copyConcurrency: number,
): Promise<void> {
  const { bucket, prefix } = manifest;
  if (!adapter.copy || !adapter.remove) {
    throw new InputError(
      `The storage adapter "${adapter.type}" cannot copy or remove objects, so it cannot restore.`,
    );
  }
  const crashAfter = Number(process.env[RESTORE_CRASH_AFTER_ENV] ?? NaN);
  let copied = 0;
  await forEachLimited(manifest.objects, copyConcurrency, async o => {
    const key = `${prefix}${o.path}`;
    if (manifest.method === 'version-ids') {
      await adapter.copy!(bucket, key, key, { versionId: o.versionId });
    } else if (adapter.thaw) {
      // content-addressed blobs, and the linked files of old `hardlink` snapshots (which keep
      // their own time): a new file with the snapshot's bytes and time
      await adapter.thaw(bucket, o.storedKey!, key, {
        ...(o.lastModified ? { lastModified: new Date(o.lastModified) } : {}),
      });
    } else {
      await adapter.copy!(bucket, o.storedKey!, key);
    }
    copied++;
    if (copied >= crashAfter) process.kill(process.pid, 'SIGKILL');
  });
  const keep = new Set(manifest.objects.map(o => o.path));
  const now = await currentObjects(adapter, bucket, prefix);
  await adapter.remove(
    bucket,
    now.filter(o => !keep.has(o.path)).map(o => `${prefix}${o.path}`),
  );
}
