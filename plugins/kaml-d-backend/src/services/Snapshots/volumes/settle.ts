import { PvcLocation } from '@kaml-d/plugin-kaml-d-common';
import { Knex } from 'knex';
import { AuditLogService } from '../../Audit';
import { SNAPSHOTS, SnapshotRow } from '../rows';
import { VolumesConfig } from './config';
import { VolumeApi, VolumeSnapshotObject } from './kube';
import { quantityBytes } from './quantity';
import { VOLUME_SNAPSHOT_METHOD, volumeOf } from './volumeState';

// A take of a volume snapshot returns at once with a `pending` row; settling moves the row on
// once the cluster has an answer: `complete` when the VolumeSnapshot is readyToUse, `failed` when
// it vanished or was not ready in time. The take's own watcher, every list of the dataset's
// snapshots and the recovery task all settle, so a take whose backend stopped still ends.

/** Where a volume snapshot's row says it lives: bucket is the cluster, prefix namespace/claim. */
export function rowLocation(row: SnapshotRow): PvcLocation {
  const [namespace, ...rest] = row.prefix.split('/');
  return { cluster: row.bucket, namespace, name: rest.join('/') };
}

export type Settle = (
  row: SnapshotRow,
  live: VolumeSnapshotObject | undefined,
) => Promise<SnapshotRow>;

export function createSettler(options: {
  db: Knex;
  audit: AuditLogService;
  config: VolumesConfig;
  api: VolumeApi;
}): Settle {
  const { db, audit, config, api } = options;

  /** Writes the row's new state; only the caller whose update wins audits (replicas race). */
  async function finish(
    row: SnapshotRow,
    update: Partial<SnapshotRow>,
    outcome: 'success' | 'failure',
    details: Record<string, string>,
  ): Promise<SnapshotRow> {
    const won = await db.transaction(async tx => {
      const changed = await tx(SNAPSHOTS)
        .where({ id: row.id, state: 'pending' })
        .update(update);
      if (changed !== 1) return false;
      await audit.append(
        {
          actor: row.created_by,
          action: 'dataset.snapshot.create',
          entityRef: row.entity_ref,
          outcome,
          details: {
            snapshotId: row.id,
            method: VOLUME_SNAPSHOT_METHOD,
            ...details,
          },
        },
        tx,
      );
      return true;
    });
    if (won) return { ...row, ...update } as SnapshotRow;
    return (
      (await db<SnapshotRow>(SNAPSHOTS).where({ id: row.id }).first()) ?? row
    );
  }

  /**
   * Moves a pending row on, given its VolumeSnapshot as the cluster lists it now (undefined:
   * not in the list; it is read once more before it counts as gone). Returns the row afterwards.
   */
  return async function settle(row, listed) {
    if (row.state !== 'pending') return row;
    const location = rowLocation(row);
    const vsName = `${location.namespace}/${row.id}`;
    const live = listed ?? (await api.getSnapshot(location.namespace, row.id));
    if (live?.status?.readyToUse) {
      const volume = volumeOf(location, row.id, live);
      return finish(
        row,
        {
          state: 'complete',
          total_bytes: quantityBytes(volume.restoreSize) ?? 0,
          digest: `vsc:${volume.content ?? ''}`.slice(0, 80),
        },
        'success',
        {
          volumeSnapshot: vsName,
          content: volume.content ?? '',
          restoreSize: volume.restoreSize ?? '',
        },
      );
    }
    const age = Date.now() - new Date(row.created_at).getTime();
    if (live && age < config.readyTimeoutMs) return row;
    let error: string;
    if (live) {
      const why = live.status?.error?.message
        ? `: ${live.status.error.message}`
        : ' (is the CSI driver of its VolumeSnapshotClass running?)';
      error = `The VolumeSnapshot ${vsName} of claim ${
        location.name
      } was not readyToUse within ${Math.round(
        config.readyTimeoutMs / 1000,
      )}s${why}`;
      // nothing half-taken stays behind on the cluster
      await api.deleteSnapshot(location.namespace, row.id);
    } else {
      error = `The VolumeSnapshot ${vsName} is gone from cluster ${location.cluster} before it became readyToUse (deleted on the cluster?).`;
    }
    return finish(row, { state: 'failed', error }, 'failure', { error });
  };
}
