import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  DatasetSnapshot,
  DatasetSnapshotManifest,
  DatasetSnapshotObject,
  datasetPreviewPermission,
  datasetSnapshotRestorePermission,
  isDatasetEntity,
  parsePvcLocation,
} from '@kaml-d/plugin-kaml-d-common';
import { StorageAdapter, ensureFolder } from '@kaml-d/plugin-kaml-d-node';
import { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { AuditLogService } from '../Audit';
import { isTabularFormat } from '../Datasets/sources';
import { QueryEngineService } from '../QueryEngine';
import { StorageService } from '../Storage';
import { SnapshotsService } from './types';
import { DEFAULT_SNAPSHOT_COPY_CONCURRENCY, SnapshotsConfig } from './config';
import { createSnapshotDiffer, snapshotSource } from './diff';
import { currentObjects } from './objects';
import { createRecovery } from './recover';
import { applySnapshot } from './restore';
import {
  RESTORES,
  SNAPSHOTS,
  SnapshotRow,
  manifestOf as readManifest,
  toSnapshot,
} from './rows';
import { createSnapshotTaker } from './take';
import { SNAPSHOT_ID_PATTERN } from './ids';
import { StorageBindingsService } from '../StorageBindings';
import { VolumeDataset, VolumeSnapshots } from './volumes/volumeSnapshots';
import { actorOf } from '../actor';

export { SNAPSHOT_ID_PATTERN };
export { manifestDigest } from './rows';

/**
 * Builds the snapshots service. The parts live beside it: taking (take.ts), diffs (diff.ts),
 * restores (restore.ts), crash recovery and the sweep of unreferenced blobs (recover.ts), rows
 * and manifests (rows.ts).
 */
export function createSnapshotsService(options: {
  db: Knex;
  catalog: CatalogService;
  permissions: PermissionsService;
  storage: StorageService;
  audit: AuditLogService;
  logger: LoggerService;
  /** Reads schemas and row counts for diffs. */
  engines: QueryEngineService;
  /** `kamlD.snapshots` (see readSnapshotsConfig); defaults when left out. */
  config?: SnapshotsConfig;
  /** The storage binding rule: no snapshot of a dataset that is not bound to its location. */
  bindings: StorageBindingsService;
  /** Snapshots of `pvc://` datasets (VolumeSnapshots); without it such datasets have none. */
  volumes?: VolumeSnapshots;
}): SnapshotsService {
  const { db, catalog, permissions, storage, audit, logger, engines } = options;
  const copyConcurrency =
    options.config?.copyConcurrency ?? DEFAULT_SNAPSHOT_COPY_CONCURRENCY;
  const takeSnapshot = createSnapshotTaker({ db, audit, copyConcurrency });
  const differ = createSnapshotDiffer({
    engines,
    logger,
    concurrency: copyConcurrency,
  });
  const manifestOf = (entityRef: string, id: string) =>
    readManifest(db, entityRef, id);

  type Authorized = Awaited<ReturnType<typeof authorized>>;

  async function authorized(
    ref: CompoundEntityRef,
    permission: ResourcePermission<'catalog-entity'>,
    credentials: BackstageCredentials,
  ) {
    const entityRef = stringifyEntityRef({ ...ref, kind: 'dataset' });
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity || !isDatasetEntity(entity)) {
      throw new NotFoundError(`No dataset ${entityRef} in the catalog.`);
    }
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not do this on ${entityRef}: it needs the permission ${permission.name}.`,
      );
    }
    return { entity, entityRef };
  }

  /** The dataset when it lives on a PersistentVolumeClaim (its snapshots are VolumeSnapshots). */
  function volumeDataset({
    entity,
    entityRef,
  }: Authorized): VolumeDataset | undefined {
    let location;
    try {
      location = parsePvcLocation(entity.spec.location);
    } catch (error) {
      throw new InputError(String((error as Error).message));
    }
    if (!location) return undefined;
    if (!options.volumes) {
      throw new InputError(
        `${entityRef} lives on a PersistentVolumeClaim (${entity.spec.location}), but volume snapshots are not enabled in this backend.`,
      );
    }
    return { entity, entityRef, location };
  }

  async function load({ entity, entityRef }: Authorized) {
    await options.bindings.assertBound(entity);
    const location = storage.resolveLocation(entity.spec.location);
    return {
      entity,
      entityRef,
      location,
      prefix: ensureFolder(location.prefix),
    };
  }

  function adapterOf(
    snapshot: Pick<DatasetSnapshot, 'id' | 'bucket' | 'adapter'>,
  ): StorageAdapter {
    const adapter = storage.resolveLocation(`s3://${snapshot.bucket}/`).adapter;
    if (adapter.type !== snapshot.adapter) {
      throw new Error(
        `Snapshot ${snapshot.id} was taken on the ${snapshot.adapter} store, but the default store is now ${adapter.type}.`,
      );
    }
    return adapter;
  }

  const recoverObjects = createRecovery({
    db,
    audit,
    logger,
    adapterOf,
    copyConcurrency,
  });

  return {
    async create(ref, request, credentials) {
      const actor = actorOf(credentials);
      const allowed = await authorized(
        ref,
        datasetPreviewPermission,
        credentials,
      );
      const volume = volumeDataset(allowed);
      if (volume) return options.volumes!.take(volume, request.message, actor);
      const { entityRef, location, prefix } = await load(allowed);
      return takeSnapshot(
        entityRef,
        location,
        prefix,
        request.message,
        'manual',
        actor,
      );
    },

    async list(ref, credentials) {
      const allowed = await authorized(
        ref,
        datasetPreviewPermission,
        credentials,
      );
      const volume = volumeDataset(allowed);
      if (volume) return options.volumes!.list(volume);
      const { entityRef } = await load(allowed);
      const rows = await db<SnapshotRow>(SNAPSHOTS)
        .where({ entity_ref: entityRef, state: 'complete' })
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ]);
      return rows.map(toSnapshot);
    },

    async get(ref, id, credentials) {
      const allowed = await authorized(
        ref,
        datasetPreviewPermission,
        credentials,
      );
      const volume = volumeDataset(allowed);
      if (volume) return options.volumes!.get(volume, id);
      const { entityRef } = await load(allowed);
      return manifestOf(entityRef, id);
    },

    async diff(ref, from, to, credentials) {
      const allowed = await authorized(
        ref,
        datasetPreviewPermission,
        credentials,
      );
      if (volumeDataset(allowed)) {
        throw new InputError(
          'Snapshots of a PersistentVolumeClaim dataset are volume snapshots without a file list, so they cannot be compared file by file; restore one as a new claim to inspect it.',
        );
      }
      const { entity, entityRef, location, prefix } = await load(allowed);
      const before = await manifestOf(entityRef, from);
      let afterObjects: DatasetSnapshotObject[];
      let afterManifest: DatasetSnapshotManifest | undefined;
      if (to === 'current') {
        afterObjects = await currentObjects(
          location.adapter,
          location.bucket,
          prefix,
        );
      } else {
        afterManifest = await manifestOf(entityRef, to);
        afterObjects = afterManifest.objects;
      }
      return differ.diff({
        entity,
        entityRef,
        location,
        prefix,
        before,
        afterManifest,
        afterObjects,
        to,
      });
    },

    async source(entity, id, name) {
      const entityRef = stringifyEntityRef(entity);
      if (volumeDataset({ entity, entityRef })) {
        throw new InputError(
          `Snapshot ${id} of ${entityRef} is a volume snapshot: the query engines cannot read it; restore it as a new claim and mount that instead.`,
        );
      }
      const { format } = entity.spec;
      if (!isTabularFormat(format)) {
        throw new InputError(
          `Dataset "${entity.metadata.name}" holds ${format} files, which are not a table; browse the snapshot's files instead.`,
        );
      }
      await options.bindings.assertBound(entity);
      const location = storage.resolveLocation(entity.spec.location);
      const manifest = await manifestOf(entityRef, id);
      return snapshotSource(manifest, location.adapter, name, format);
    },

    async restore(ref, id, request, credentials) {
      const actor = actorOf(credentials);
      const allowed = await authorized(
        ref,
        datasetSnapshotRestorePermission,
        credentials,
      );
      const volume = volumeDataset(allowed);
      if (volume) return options.volumes!.restore(volume, id, request, actor);
      if (request.claimName) {
        throw new InputError(
          'claimName is only for datasets on a PersistentVolumeClaim; an object dataset is restored in place.',
        );
      }
      const { entityRef, location, prefix } = await load(allowed);
      const manifest = await manifestOf(entityRef, id);
      if (manifest.prefix !== prefix || manifest.bucket !== location.bucket) {
        throw new InputError(
          `Snapshot ${id} was taken at ${manifest.bucket}/${manifest.prefix}, but the dataset now lives at ${location.bucket}/${prefix}; restore is only possible to the same location.`,
        );
      }
      const safetySnapshot = await takeSnapshot(
        entityRef,
        location,
        prefix,
        `Before restoring ${id}${
          request.message ? `: ${request.message}` : ''
        }`,
        'before-restore',
        actor,
      );
      // journal first: a killed restore is rolled forward at the next start
      const journalId = `restore-${randomBytes(8).toString('hex')}`;
      await db(RESTORES).insert({
        id: journalId,
        entity_ref: entityRef,
        snapshot_id: id,
        safety_snapshot_id: safetySnapshot.id,
        state: 'running',
        started_at: new Date(),
        started_by: actor,
      });
      try {
        await applySnapshot(manifest, location.adapter, copyConcurrency);
      } catch (error) {
        // leave the journal running: recovery rolls it forward
        await audit.append({
          actor,
          action: 'dataset.snapshot.restore',
          entityRef,
          outcome: 'failure',
          details: {
            snapshotId: id,
            safetySnapshotId: safetySnapshot.id,
            error: String(error),
          },
        });
        throw error;
      }
      await db.transaction(async tx => {
        await tx(RESTORES).where({ id: journalId }).update({ state: 'done' });
        await audit.append(
          {
            actor,
            action: 'dataset.snapshot.restore',
            entityRef,
            outcome: 'success',
            details: {
              snapshotId: id,
              safetySnapshotId: safetySnapshot.id,
              message: request.message ?? '',
            },
          },
          tx,
        );
      });
      const { objects: _objects, ...restored } = manifest;
      return { entityRef, restored, safetySnapshot };
    },

    async delete(ref, id, credentials) {
      const actor = actorOf(credentials);
      const allowed = await authorized(
        ref,
        datasetSnapshotRestorePermission,
        credentials,
      );
      const volume = volumeDataset(allowed);
      if (!volume) {
        throw new InputError(
          `${allowed.entityRef} is an object dataset: only snapshots of PersistentVolumeClaim datasets (volume snapshots) can be deleted.`,
        );
      }
      await options.volumes!.delete(volume, id, actor);
    },

    async sweepVolumeOrphans(credentials) {
      if (!options.volumes) return [];
      return options.volumes.sweepOrphans({
        actor: actorOf(credentials),
        datasetExists: async entityRef =>
          Boolean(await catalog.getEntityByRef(entityRef, { credentials })),
      });
    },

    async recover(olderThanMs) {
      const result = await recoverObjects(olderThanMs);
      const settled = (await options.volumes?.settlePending()) ?? 0;
      if (settled > 0)
        logger.info(`Settled ${settled} pending volume snapshots`);
      return result;
    },
  };
}
