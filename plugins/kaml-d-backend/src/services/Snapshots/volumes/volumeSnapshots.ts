import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  PVC_DATASET_LABEL,
  PVC_RESTORED_FROM_LABEL,
  PVC_SNAPSHOT_ID_LABEL,
  PvcLocation,
  isKubernetesName,
  pvcLocation,
} from '@kaml-d/plugin-kaml-d-common';
import { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { Knex } from 'knex';
import { AuditLogService } from '../../Audit';
import {
  SNAPSHOTS,
  SnapshotRow,
  manifestOf,
  newSnapshotId,
  toSnapshot,
} from '../rows';
import { VolumesConfig } from './config';
import { onCluster } from './errors';
import { SNAPSHOT_GROUP, VolumeApi, VolumeSnapshotObject } from './kube';
import {
  MANAGED_BY,
  VOLUME_SNAPSHOT_METHOD,
  VolumeDataset,
  VolumeSnapshots,
  datasetLabel,
  volumeOf,
  waitFor,
} from './volumeState';

export type { VolumeDataset, VolumeSnapshots } from './volumeState';
import { quantityBytes } from './quantity';

/** Builds {@link VolumeSnapshots}; `api` undefined: `kamlD.kubernetes` is not configured. */
export function createVolumeSnapshots(options: {
  db: Knex;
  audit: AuditLogService;
  config: VolumesConfig;
  api?: VolumeApi;
  /** What to say when `api` is undefined. */
  unavailable?: string;
}): VolumeSnapshots {
  const { db, audit, config } = options;

  function apiFor(location: PvcLocation): VolumeApi {
    if (location.cluster !== config.cluster) {
      throw new InputError(
        `The dataset lives on cluster "${location.cluster}", but KAML-D's cluster is "${config.cluster}" (kamlD.volumes.cluster); point spec.location at pvc://${config.cluster}/… or set kamlD.volumes.cluster.`,
      );
    }
    if (!options.api) {
      throw new ServiceUnavailableError(
        options.unavailable ??
          'Kubernetes is not configured (kamlD.kubernetes), so PersistentVolumeClaim datasets cannot be snapshotted.',
      );
    }
    return options.api;
  }

  /** The binding rule of pvc:// datasets: the claim carries the dataset's label. */
  async function boundClaim({ entity, entityRef, location }: VolumeDataset) {
    const api = apiFor(location);
    const claim = await onCluster(location.cluster, 'Reading the claim', () =>
      api.getClaim(location.namespace, location.name),
    );
    if (!claim) {
      throw new NotFoundError(
        `No PersistentVolumeClaim ${location.namespace}/${location.name} on cluster ${location.cluster} (the location of ${entityRef}).`,
      );
    }
    const label = claim.metadata?.labels?.[PVC_DATASET_LABEL];
    // entity names compare case-insensitively, as the catalog does
    if (
      label?.toLocaleLowerCase('en-US') !==
      entity.metadata.name.toLocaleLowerCase('en-US')
    ) {
      throw new NotAllowedError(
        `The PersistentVolumeClaim ${location.namespace}/${
          location.name
        } is not bound to ${entityRef}: its label ${PVC_DATASET_LABEL} is ${
          label === undefined ? 'missing' : `"${label}"`
        }, not "${entity.metadata.name}". Label the claim to bind it.`,
      );
    }
    return { api, claim };
  }

  async function fail(
    actor: string,
    entityRef: string,
    id: string,
    action: 'dataset.snapshot.create' | 'dataset.snapshot.restore',
    error: unknown,
  ): Promise<never> {
    await audit.append({
      actor,
      action,
      entityRef,
      outcome: 'failure',
      details: { snapshotId: id, error: String(error) },
    });
    throw error;
  }

  return {
    async take(dataset, message, actor) {
      const { entity, entityRef, location } = dataset;
      const { api } = await boundClaim(dataset);
      const now = new Date();
      const id = newSnapshotId(now);
      const body: VolumeSnapshotObject = {
        apiVersion: `${SNAPSHOT_GROUP}/v1`,
        kind: 'VolumeSnapshot',
        metadata: {
          name: id,
          labels: {
            ...MANAGED_BY,
            [PVC_DATASET_LABEL]: datasetLabel(entity),
            [PVC_SNAPSHOT_ID_LABEL]: id,
          },
          annotations: { 'kaml-d.io/entity-ref': entityRef },
        },
        spec: {
          source: { persistentVolumeClaimName: location.name },
          ...(config.snapshotClass
            ? { volumeSnapshotClassName: config.snapshotClass }
            : {}),
        },
      };
      try {
        await onCluster(location.cluster, 'Creating the VolumeSnapshot', () =>
          api.createSnapshot(location.namespace, body),
        );
      } catch (error) {
        return fail(actor, entityRef, id, 'dataset.snapshot.create', error);
      }
      let last: VolumeSnapshotObject | undefined;
      const ready = await waitFor(config.readyTimeoutMs, async () => {
        last = await api.getSnapshot(location.namespace, id).catch(() => last);
        return last?.status?.readyToUse ? last : undefined;
      });
      if (!ready) {
        // nothing half-taken stays behind: the VolumeSnapshot goes, the failure is audited
        await api.deleteSnapshot(location.namespace, id).catch(() => undefined);
        const why = last?.status?.error?.message
          ? `: ${last.status.error.message}`
          : ' (is the CSI driver of its VolumeSnapshotClass running?)';
        return fail(
          actor,
          entityRef,
          id,
          'dataset.snapshot.create',
          new ServiceUnavailableError(
            `The VolumeSnapshot ${location.namespace}/${id} of claim ${
              location.name
            } was not readyToUse within ${Math.round(
              config.readyTimeoutMs / 1000,
            )}s${why}`,
          ),
        );
      }
      const volume = volumeOf(location, id, ready);
      const row = {
        id,
        entity_ref: entityRef,
        state: 'complete',
        reason: 'manual',
        created_at: now,
        created_by: actor,
        message,
        method: VOLUME_SNAPSHOT_METHOD,
        adapter: VOLUME_SNAPSHOT_METHOD,
        bucket: location.cluster,
        prefix: `${location.namespace}/${location.name}`,
        object_count: 0,
        total_bytes: quantityBytes(volume.restoreSize) ?? 0,
        digest: `vsc:${volume.content ?? ''}`.slice(0, 80),
      };
      await db.transaction(async tx => {
        await tx(SNAPSHOTS).insert(row);
        await audit.append(
          {
            actor,
            action: 'dataset.snapshot.create',
            entityRef,
            outcome: 'success',
            details: {
              snapshotId: id,
              method: VOLUME_SNAPSHOT_METHOD,
              volumeSnapshot: `${location.namespace}/${id}`,
              content: volume.content ?? '',
              restoreSize: volume.restoreSize ?? '',
            },
          },
          tx,
        );
      });
      return { ...toSnapshot(row as unknown as SnapshotRow), volume };
    },

    async list(dataset) {
      const { entity, entityRef, location } = dataset;
      const rows = await db<SnapshotRow>(SNAPSHOTS)
        .where({ entity_ref: entityRef, state: 'complete' })
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ]);
      // the timeline stays readable when the cluster is not: each entry says why
      let live: Map<string, VolumeSnapshotObject> | undefined;
      let down: string | undefined;
      try {
        const api = apiFor(location);
        const selector = `${PVC_DATASET_LABEL}=${datasetLabel(entity)}`;
        const items = await onCluster(
          location.cluster,
          'Listing VolumeSnapshots',
          () => api.listSnapshots(location.namespace, selector),
        );
        live = new Map(items.map(s => [s.metadata.name, s]));
      } catch (error) {
        down = error instanceof Error ? error.message : String(error);
      }
      return rows.map(row => {
        const id = row.id;
        const volume = live
          ? volumeOf(location, id, live.get(id))
          : {
              ...volumeOf(location, id, {
                metadata: { name: id },
                spec: { source: { persistentVolumeClaimName: location.name } },
              }),
              error: down,
            };
        return { ...toSnapshot(row), volume };
      });
    },

    async get(dataset, id) {
      const { entityRef, location } = dataset;
      const manifest = await manifestOf(db, entityRef, id);
      const { api } = await boundClaim(dataset);
      const snapshot = await onCluster(
        location.cluster,
        'Reading the VolumeSnapshot',
        () => api.getSnapshot(location.namespace, id),
      );
      return { ...manifest, volume: volumeOf(location, id, snapshot) };
    },

    async restore(dataset, id, request, actor) {
      const { entityRef, location } = dataset;
      const manifest = await manifestOf(db, entityRef, id);
      const { api, claim: source } = await boundClaim(dataset);
      const claimName =
        request.claimName ??
        `${location.name.slice(0, 200)}-restore-${id.slice(-6)}`;
      if (!isKubernetesName(claimName)) {
        throw new InputError(
          `"${claimName}" is not a PersistentVolumeClaim name: use lowercase letters, digits, dots and dashes (at most 253), starting and ending with a letter or digit.`,
        );
      }
      const snapshot = await onCluster(
        location.cluster,
        'Reading the VolumeSnapshot',
        () => api.getSnapshot(location.namespace, id),
      );
      const volume = volumeOf(location, id, snapshot);
      if (!volume.readyToUse) {
        throw new ConflictError(
          `Snapshot ${id} cannot be restored: ${
            volume.error ?? 'its VolumeSnapshot is not readyToUse yet'
          }.`,
        );
      }
      if (
        await onCluster(location.cluster, 'Reading the claim', () =>
          api.getClaim(location.namespace, claimName),
        )
      ) {
        throw new ConflictError(
          `A PersistentVolumeClaim ${location.namespace}/${claimName} already exists; choose another claimName (a restore never overwrites a claim).`,
        );
      }
      const size =
        volume.restoreSize ??
        source.spec?.resources?.requests?.storage ??
        '1Gi';
      const body: V1PersistentVolumeClaim = {
        metadata: {
          name: claimName,
          labels: { ...MANAGED_BY, [PVC_RESTORED_FROM_LABEL]: id },
          annotations: {
            'kaml-d.io/entity-ref': entityRef,
            'kaml-d.io/restored-by': actor.slice(0, 512),
          },
        },
        spec: {
          accessModes: source.spec?.accessModes ?? ['ReadWriteOnce'],
          ...(source.spec?.storageClassName
            ? { storageClassName: source.spec.storageClassName }
            : {}),
          ...(source.spec?.volumeMode
            ? { volumeMode: source.spec.volumeMode }
            : {}),
          resources: { requests: { storage: size } },
          dataSource: {
            apiGroup: SNAPSHOT_GROUP,
            kind: 'VolumeSnapshot',
            name: id,
          },
        },
      };
      try {
        await onCluster(location.cluster, 'Creating the restored claim', () =>
          api.createClaim(location.namespace, body),
        );
      } catch (error) {
        return fail(actor, entityRef, id, 'dataset.snapshot.restore', error);
      }
      const bound = await waitFor(config.bindTimeoutMs, async () => {
        const c = await api
          .getClaim(location.namespace, claimName)
          .catch(() => undefined);
        return c?.status?.phase === 'Bound' ? c : undefined;
      });
      const restoredClaim = {
        cluster: location.cluster,
        namespace: location.namespace,
        name: claimName,
        location: pvcLocation({ ...location, name: claimName }),
        phase: bound ? 'Bound' : 'Pending',
      };
      await audit.append({
        actor,
        action: 'dataset.snapshot.restore',
        entityRef,
        outcome: 'success',
        details: {
          snapshotId: id,
          method: VOLUME_SNAPSHOT_METHOD,
          claim: `${location.namespace}/${claimName}`,
          phase: restoredClaim.phase,
          message: request.message ?? '',
        },
      });
      const { objects: _objects, ...restored } = manifest;
      return { entityRef, restored: { ...restored, volume }, restoredClaim };
    },
  };
}
