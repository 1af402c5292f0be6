import { ConflictError, InputError } from '@backstage/errors';
import {
  PVC_RESTORED_FROM_LABEL,
  RestoreDatasetSnapshotResponse,
  isKubernetesName,
  pvcLocation,
} from '@kaml-d/plugin-kaml-d-common';
import { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { Knex } from 'knex';
import { AuditLogService } from '../../Audit';
import { SNAPSHOTS, manifestOf } from '../rows';
import { VolumesConfig } from './config';
import { onCluster } from './errors';
import { SNAPSHOT_GROUP, VolumeApi } from './kube';
import {
  MANAGED_BY,
  VOLUME_SNAPSHOT_METHOD,
  VolumeDataset,
  volumeOf,
  waitFor,
} from './volumeState';

/** What a restore needs of the volume snapshots service. */
export interface RestoreDeps {
  db: Knex;
  audit: AuditLogService;
  config: VolumesConfig;
  /** The claim of the dataset, checked to carry its label, and the cluster's API. */
  boundClaim(
    dataset: VolumeDataset,
  ): Promise<{ api: VolumeApi; claim: V1PersistentVolumeClaim }>;
  /** Audits a failure and throws it. */
  fail(
    actor: string,
    entityRef: string,
    id: string,
    action: 'dataset.snapshot.restore',
    error: unknown,
  ): Promise<never>;
}

/**
 * Restores snapshot `id` of a pvc:// dataset: always a NEW claim whose dataSource is the
 * VolumeSnapshot (a snapshot is never written, an existing claim never overwritten).
 */
export async function restoreClaim(
  { db, audit, config, boundClaim, fail }: RestoreDeps,
  dataset: VolumeDataset,
  id: string,
  request: { message?: string; claimName?: string },
  actor: string,
): Promise<RestoreDatasetSnapshotResponse> {
  const { entityRef, location } = dataset;
  const pending = await db(SNAPSHOTS)
    .where({ id, entity_ref: entityRef, state: 'pending' })
    .first();
  if (pending) {
    throw new ConflictError(
      `Snapshot ${id} cannot be restored yet: its VolumeSnapshot is not readyToUse; wait until the Versions tab shows it ready.`,
    );
  }
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
    volume.restoreSize ?? source.spec?.resources?.requests?.storage ?? '1Gi';
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
}
