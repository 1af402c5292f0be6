import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  PVC_DATASET_LABEL,
  PVC_SNAPSHOT_ID_LABEL,
  PvcLocation,
} from '@kaml-d/plugin-kaml-d-common';
import { Knex } from 'knex';
import { AuditLogService } from '../../Audit';
import { SNAPSHOT_ID_PATTERN } from '../ids';
import { SNAPSHOTS, SnapshotRow } from '../rows';
import { onCluster } from './errors';
import { VolumeApi } from './kube';
import {
  MANAGED_BY,
  VOLUME_SNAPSHOT_METHOD,
  VolumeDataset,
} from './volumeState';

// Deleting a volume snapshot on request, and the sweep of VolumeSnapshots KAML-D took that
// nothing accounts for any more.

const VERSION_DATASETS = 'kaml_d_model_version_datasets';
const ENTITY_REF_ANNOTATION = 'kaml-d.io/entity-ref';

/** A VolumeSnapshot the orphan sweep found, and what it did with it. */
export interface VolumeOrphan {
  namespace: string;
  name: string;
  /** The dataset it was taken of (its row, else its annotation), if known. */
  entityRef?: string;
  /** Why it is an orphan. */
  reason: string;
  /** `reported` (kamlD.volumes.orphans: report), `deleted`, or `kept` (pinned; see reason). */
  action: 'reported' | 'deleted' | 'kept';
}

/** Model versions trained on the snapshot, as `model:default/churn v3`. */
async function pinsOf(
  db: Knex,
  datasetRef: string,
  id: string,
): Promise<string[]> {
  const rows = await db(VERSION_DATASETS)
    .where({ dataset_ref: datasetRef, snapshot_id: id })
    .orderBy([{ column: 'entity_ref' }, { column: 'version' }]);
  return rows.map(r => `${r.entity_ref} v${r.version}`);
}

function pinnedMessage(id: string, entityRef: string, pins: string[]) {
  return `Snapshot ${id} of ${entityRef} is pinned to model version ${pins.join(
    ', ',
  )}: a model version keeps the data it was trained on, so this snapshot cannot be deleted while that version exists.`;
}

export function createRemover(options: {
  db: Knex;
  audit: AuditLogService;
  apiFor: (location: PvcLocation) => VolumeApi;
  /** The volumes' cluster (`kamlD.volumes.cluster`). */
  cluster: string;
  api?: VolumeApi;
}) {
  const { db, audit, apiFor } = options;

  /**
   * Deletes snapshot `id` of a pvc:// dataset: its row and its VolumeSnapshot, in one
   * transaction (a cluster refusal keeps the row). Refused (409) while a model version is
   * pinned to it; audited either way.
   */
  async function remove(
    { entityRef, location }: VolumeDataset,
    id: string,
    actor: string,
  ): Promise<void> {
    if (!SNAPSHOT_ID_PATTERN.test(id)) {
      throw new NotFoundError(`No snapshot ${id} of ${entityRef}.`);
    }
    const row = await db<SnapshotRow>(SNAPSHOTS)
      .where({ id, entity_ref: entityRef, method: VOLUME_SNAPSHOT_METHOD })
      .first();
    if (!row) throw new NotFoundError(`No snapshot ${id} of ${entityRef}.`);
    const api = apiFor(location);
    const details = {
      snapshotId: id,
      method: VOLUME_SNAPSHOT_METHOD,
      volumeSnapshot: `${location.namespace}/${id}`,
    };
    try {
      await db.transaction(async tx => {
        const pins = await pinsOf(tx, entityRef, id);
        if (pins.length > 0) {
          throw new ConflictError(pinnedMessage(id, entityRef, pins));
        }
        await tx(SNAPSHOTS).where({ id }).delete();
        await onCluster(location.cluster, 'Deleting the VolumeSnapshot', () =>
          api.deleteSnapshot(location.namespace, id),
        );
        await audit.append(
          {
            actor,
            action: 'dataset.snapshot.delete',
            entityRef,
            outcome: 'success',
            details,
          },
          tx,
        );
      });
    } catch (error) {
      await audit.append({
        actor,
        action: 'dataset.snapshot.delete',
        entityRef,
        outcome: 'failure',
        details: { ...details, error: String(error) },
      });
      throw error;
    }
  }

  /**
   * Finds VolumeSnapshots labelled as KAML-D's (in every namespace) that no recorded snapshot
   * accounts for, or whose dataset is no longer in the catalog; reports them, or deletes them
   * when `del` is set. Those younger than `graceMs` are left alone: a take creates the
   * VolumeSnapshot just before its row. A pinned snapshot of a gone dataset is kept.
   */
  async function sweepOrphans(sweep: {
    del: boolean;
    graceMs: number;
    datasetExists: (entityRef: string) => Promise<boolean>;
    actor: string;
  }): Promise<VolumeOrphan[]> {
    if (!options.api) return [];
    const api = options.api;
    const selector = `${Object.entries(MANAGED_BY)
      .map(([k, v]) => `${k}=${v}`)
      .join(',')},${PVC_DATASET_LABEL}`;
    const items = await onCluster(
      options.cluster,
      'Listing VolumeSnapshots',
      () => api.listAllSnapshots(selector),
    );
    const found: VolumeOrphan[] = [];
    const cutoff = Date.now() - sweep.graceMs;
    for (const vs of items) {
      const { name, namespace = '', creationTimestamp } = vs.metadata;
      const created = creationTimestamp
        ? new Date(creationTimestamp).getTime()
        : 0;
      if (created > cutoff) continue;
      const id = vs.metadata.labels?.[PVC_SNAPSHOT_ID_LABEL] ?? name;
      const row =
        id === name
          ? await db<SnapshotRow>(SNAPSHOTS)
              .where({ id, method: VOLUME_SNAPSHOT_METHOD })
              .first()
          : undefined;
      const recorded =
        row && row.state !== 'failed' && row.prefix.startsWith(`${namespace}/`);
      const entityRef =
        row?.entity_ref ?? vs.metadata.annotations?.[ENTITY_REF_ANNOTATION];
      let reason: string;
      if (!recorded) {
        reason = `not recorded in the KAML-D database${
          row?.state === 'failed' ? ' (its take failed)' : ''
        }`;
      } else if (!(await sweep.datasetExists(row.entity_ref))) {
        reason = `its dataset ${row.entity_ref} is no longer in the catalog`;
      } else {
        continue;
      }
      const pins = row ? await pinsOf(db, row.entity_ref, row.id) : [];
      if (pins.length > 0) {
        found.push({
          namespace,
          name,
          entityRef,
          reason: `${reason}; kept: pinned to model version ${pins.join(', ')}`,
          action: 'kept',
        });
        continue;
      }
      if (!sweep.del) {
        found.push({ namespace, name, entityRef, reason, action: 'reported' });
        continue;
      }
      await onCluster(options.cluster, 'Deleting the VolumeSnapshot', () =>
        api.deleteSnapshot(namespace, name),
      );
      await db.transaction(async tx => {
        if (row) await tx(SNAPSHOTS).where({ id: row.id }).delete();
        await audit.append(
          {
            actor: sweep.actor,
            action: 'dataset.snapshot.delete',
            ...(entityRef ? { entityRef } : {}),
            outcome: 'success',
            details: {
              snapshotId: id,
              method: VOLUME_SNAPSHOT_METHOD,
              volumeSnapshot: `${namespace}/${name}`,
              orphan: reason,
            },
          },
          tx,
        );
      });
      found.push({ namespace, name, entityRef, reason, action: 'deleted' });
    }
    return found;
  }

  return { remove, sweepOrphans };
}
