import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  DatasetSnapshot,
  DatasetSnapshotState,
  DatasetVolumeSnapshot,
  PVC_DATASET_LABEL,
  PVC_SNAPSHOT_ID_LABEL,
  PvcLocation,
} from '@kaml-d/plugin-kaml-d-common';
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
import { createRemover } from './remove';
import { restoreClaim } from './restoreClaim';
import { createSettler, rowLocation } from './settle';
import { SNAPSHOT_GROUP, VolumeApi, VolumeSnapshotObject } from './kube';
import {
  MANAGED_BY,
  VOLUME_SNAPSHOT_METHOD,
  VolumeDataset,
  VolumeSnapshots,
  datasetLabel,
  volumeOf,
} from './volumeState';

export type { VolumeDataset, VolumeSnapshots } from './volumeState';

const WATCH_POLL_MS = 1000;
const WATCH_SLACK_MS = 30_000;

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

  const remover = createRemover({
    db,
    audit,
    apiFor,
    cluster: config.cluster,
    api: options.api,
  });
  const settlerOf = (api: VolumeApi) =>
    createSettler({ db, audit, config, api });

  function present(
    row: SnapshotRow,
    volume: DatasetVolumeSnapshot,
  ): DatasetSnapshot {
    return {
      ...toSnapshot(row),
      state: row.state as DatasetSnapshotState,
      volume,
    };
  }

  /**
   * The take's own watcher: polls the VolumeSnapshot until the row settles, a little past the
   * ready timeout at most (a cluster unreachable all that time leaves it to the recovery task).
   */
  function watch(api: VolumeApi, first: SnapshotRow) {
    const settle = settlerOf(api);
    const { namespace } = rowLocation(first);
    const end = Date.now() + config.readyTimeoutMs + WATCH_SLACK_MS;
    const step = async (row: SnapshotRow): Promise<SnapshotRow> => {
      await new Promise(r => setTimeout(r, WATCH_POLL_MS));
      const live = await api.getSnapshot(namespace, row.id).then(
        found => ({ found }),
        () => undefined,
      );
      return live ? settle(row, live.found).catch(() => row) : row;
    };
    void (async () => {
      let row = first;
      while (row.state === 'pending' && Date.now() < end) row = await step(row);
    })().catch(() => undefined);
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
      // answered at once: the row is pending until the VolumeSnapshot is readyToUse
      const row: SnapshotRow = {
        id,
        entity_ref: entityRef,
        state: 'pending',
        reason: 'manual',
        created_at: now,
        created_by: actor,
        message,
        method: VOLUME_SNAPSHOT_METHOD,
        adapter: VOLUME_SNAPSHOT_METHOD,
        bucket: location.cluster,
        prefix: `${location.namespace}/${location.name}`,
        object_count: 0,
        total_bytes: 0,
        digest: 'vsc:',
      };
      try {
        await db(SNAPSHOTS).insert(row);
      } catch (error) {
        await api.deleteSnapshot(location.namespace, id).catch(() => undefined);
        return fail(actor, entityRef, id, 'dataset.snapshot.create', error);
      }
      watch(api, row);
      return present(row, volumeOf(location, id, body));
    },

    async delete(dataset, id, actor) {
      await remover.remove(dataset, id, actor);
    },

    async settlePending() {
      if (!options.api) return 0;
      const api = options.api;
      const rows = await db<SnapshotRow>(SNAPSHOTS).where({
        state: 'pending',
        method: VOLUME_SNAPSHOT_METHOD,
      });
      let settled = 0;
      for (const row of rows) {
        const { namespace } = rowLocation(row);
        const after = await api
          .getSnapshot(namespace, row.id)
          .then(live => settlerOf(api)(row, live))
          .catch(() => row);
        if (after.state !== 'pending') settled++;
      }
      return settled;
    },

    sweepOrphans: ({ datasetExists, actor }) =>
      remover.sweepOrphans({
        del: config.orphans === 'delete',
        graceMs: config.orphanGraceMs,
        datasetExists,
        actor,
      }),

    async list(dataset) {
      const { entity, entityRef, location } = dataset;
      const rows = await db<SnapshotRow>(SNAPSHOTS)
        .where({ entity_ref: entityRef, method: VOLUME_SNAPSHOT_METHOD })
        .whereIn('state', ['pending', 'complete', 'failed'])
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ]);
      // the timeline stays readable when the cluster is not: each entry says why
      let live: Map<string, VolumeSnapshotObject> | undefined;
      let down: string | undefined;
      let api: VolumeApi | undefined;
      try {
        api = apiFor(location);
        const selector = `${PVC_DATASET_LABEL}=${datasetLabel(entity)}`;
        const items = await onCluster(
          location.cluster,
          'Listing VolumeSnapshots',
          () => api!.listSnapshots(location.namespace, selector),
        );
        live = new Map(items.map(s => [s.metadata.name, s]));
      } catch (error) {
        down = error instanceof Error ? error.message : String(error);
      }
      const listed: DatasetSnapshot[] = [];
      for (let row of rows) {
        const id = row.id;
        if (live && api && row.state === 'pending') {
          const settle = settlerOf(api);
          row = await settle(row, live.get(id)).catch(() => row);
        }
        let volume: DatasetVolumeSnapshot;
        if (row.state === 'failed') {
          volume = {
            ...volumeOf(location, id, live?.get(id)),
            readyToUse: false,
            error: row.error ?? 'The snapshot failed.',
          };
        } else if (live) {
          volume = volumeOf(location, id, live.get(id));
        } else {
          volume = {
            ...volumeOf(location, id, {
              metadata: { name: id },
              spec: { source: { persistentVolumeClaimName: location.name } },
            }),
            error: down,
          };
        }
        listed.push(present(row, volume));
      }
      return listed;
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

    restore: (dataset, id, request, actor) =>
      restoreClaim(
        { db, audit, config, boundClaim, fail },
        dataset,
        id,
        request,
        actor,
      ),
  };
}
