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
  DatasetColumnType,
  DatasetEntity,
  DatasetSnapshot,
  DatasetSnapshotDiff,
  DatasetSnapshotManifest,
  DatasetSnapshotMethod,
  DatasetSnapshotObject,
  datasetPreviewPermission,
  datasetSnapshotRestorePermission,
  isDatasetEntity,
} from '@kaml-d/plugin-kaml-d-common';
import {
  ObjectDatasetSource,
  StorageAdapter,
  TabularFormat,
  ensureFolder,
} from '@kaml-d/plugin-kaml-d-node';
import { Knex } from 'knex';
import { createHash, randomBytes } from 'node:crypto';
import { AuditLogService } from '../Audit';
import { isTabularFormat } from '../Datasets/sources';
import { QueryEngineService, guardSql } from '../QueryEngine';
import { StorageService } from '../Storage';
import { SNAPSHOT_ROOT, SnapshotsService } from './types';
import { DEFAULT_SNAPSHOT_COPY_CONCURRENCY, SnapshotsConfig } from './config';
import { forEachLimited } from './limited';

const SNAPSHOTS = 'kaml_d_dataset_snapshots';
const OBJECTS = 'kaml_d_snapshot_objects';
const RESTORES = 'kaml_d_snapshot_restores';

import { SNAPSHOT_ID_PATTERN } from './ids';

export { SNAPSHOT_ID_PATTERN };

/** Test hook: exit the process abruptly after this many objects were copied (crash tests). */
const CRASH_AFTER_ENV = 'KAML_D_TEST_CRASH_AFTER_OBJECTS';
/** Test hook: exit abruptly after this many objects were copied back by a restore. */
const RESTORE_CRASH_AFTER_ENV = 'KAML_D_TEST_CRASH_AFTER_RESTORED';

function newSnapshotId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'z')
    .toLowerCase();
  return `snap-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** `sha256:<hex>` over the manifest sorted by path. */
export function manifestDigest(objects: DatasetSnapshotObject[]): string {
  const hash = createHash('sha256');
  for (const o of [...objects].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    hash.update(
      `${o.path}\t${o.size}\t${o.etag ?? ''}\t${o.versionId ?? ''}\n`,
    );
  }
  return `sha256:${hash.digest('hex')}`;
}

function actorOf(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (p.type === 'user' && p.userEntityRef) return p.userEntityRef;
  if (p.type === 'service' && p.subject) return `service:${p.subject}`;
  throw new NotAllowedError('Snapshots are taken by users and services only.');
}

interface SnapshotRow {
  id: string;
  entity_ref: string;
  state: string;
  reason: string;
  created_at: string | Date;
  created_by: string;
  message: string;
  method: string;
  adapter: string;
  bucket: string;
  prefix: string;
  object_count: number | string;
  total_bytes: number | string;
  digest: string;
}

function toSnapshot(row: SnapshotRow): DatasetSnapshot {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
    message: row.message,
    method: row.method as DatasetSnapshotMethod,
    adapter: row.adapter,
    bucket: row.bucket,
    prefix: row.prefix,
    objectCount: Number(row.object_count),
    totalBytes: Number(row.total_bytes),
    digest: row.digest,
    reason: row.reason as DatasetSnapshot['reason'],
  };
}

/** Builds the snapshots service. */
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
}): SnapshotsService {
  const { db, catalog, permissions, storage, audit, logger, engines } = options;
  const copyConcurrency =
    options.config?.copyConcurrency ?? DEFAULT_SNAPSHOT_COPY_CONCURRENCY;

  async function load(
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
    const location = storage.resolveLocation(entity.spec.location);
    return {
      entity,
      entityRef,
      location,
      prefix: ensureFolder(location.prefix),
    };
  }

  /** The objects a query engine reads for a snapshot (its frozen copies or versions). */
  function snapshotSource(
    manifest: DatasetSnapshotManifest,
    adapter: StorageAdapter,
    name: string,
    format: TabularFormat,
  ): ObjectDatasetSource {
    if (adapter.type !== manifest.adapter) {
      throw new InputError(
        `Snapshot ${manifest.id} was taken on the ${manifest.adapter} store, but ${manifest.entityRef} now lives on the ${adapter.type} store; it cannot be read.`,
      );
    }
    return {
      kind: 'objects',
      name,
      format,
      storage: adapter,
      bucket: manifest.bucket,
      prefix: manifest.prefix,
      snapshotId: manifest.id,
      objects: manifest.objects.map(o => {
        const datasetKey = `${manifest.prefix}${o.path}`;
        return {
          key: manifest.method === 'version-ids' ? datasetKey : o.storedKey!,
          datasetKey,
          size: o.size,
          ...(o.etag ? { etag: o.etag } : {}),
          ...(o.versionId ? { versionId: o.versionId } : {}),
        };
      }),
    };
  }

  /** Columns (over all files) and row count of one side of a diff. */
  async function readTable(source: ObjectDatasetSource) {
    const engine = engines.engineFor([source]);
    const limits = {
      maxRows: 1,
      timeoutMs: engines.config.timeoutMs,
    };
    const table = `"${source.name}"`;
    const shape = await engine.query(
      guardSql(`SELECT * FROM ${table} LIMIT 0`),
      [source],
      limits,
    );
    const counted = await engine.query(
      guardSql(`SELECT count(*) AS kaml_rows FROM ${table}`),
      [source],
      limits,
    );
    return {
      columns: shape.columns.map(c => ({ name: c.name, type: c.type })),
      rows: Number(counted.rows[0]?.[0] ?? 0),
    };
  }

  /** Schema changes and row counts of a diff; a reason instead when it is not a table. */
  async function tableDiff(
    entity: DatasetEntity,
    before: ObjectDatasetSource | undefined,
    after: ObjectDatasetSource | undefined,
  ): Promise<Pick<DatasetSnapshotDiff, 'schema' | 'rows' | 'tableUnreadable'>> {
    const empty = { added: [], removed: [], changed: [] };
    if (!before || !after) {
      return {
        schema: empty,
        tableUnreadable: `The dataset holds ${entity.spec.format} files, which are not a table, so only its files are compared.`,
      };
    }
    let a: { columns: DatasetColumnType[]; rows: number };
    let b: { columns: DatasetColumnType[]; rows: number };
    try {
      [b, a] = await Promise.all([readTable(before), readTable(after)]);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn(
        `Diff of ${stringifyEntityRef(
          entity,
        )} has no schema or row counts: ${reason}`,
      );
      return { schema: empty, tableUnreadable: reason };
    }
    const beforeTypes = new Map(b.columns.map(c => [c.name, c.type]));
    const afterTypes = new Map(a.columns.map(c => [c.name, c.type]));
    return {
      schema: {
        added: a.columns.filter(c => !beforeTypes.has(c.name)),
        removed: b.columns.filter(c => !afterTypes.has(c.name)),
        changed: a.columns
          .filter(
            c => beforeTypes.has(c.name) && beforeTypes.get(c.name) !== c.type,
          )
          .map(c => ({
            name: c.name,
            before: beforeTypes.get(c.name)!,
            after: c.type,
          })),
      },
      rows: { before: b.rows, after: a.rows },
    };
  }

  /** Where a snapshot's frozen objects live (copy and hardlink snapshots). */
  function snapshotFolder(entityRef: string, id: string): string {
    const { namespace, name } = parseRef(entityRef);
    return `${SNAPSHOT_ROOT}${namespace}/${name}/${id}/`;
  }

  function parseRef(entityRef: string) {
    const [, rest] = entityRef.split(':');
    const [namespace, name] = rest.split('/');
    return { namespace, name };
  }

  /**
   * The dataset's objects now, relative to its prefix (snapshot folders excluded); with
   * `withVersions`, each with its current version id from the version listing when the store
   * has one (no request per object).
   */
  async function currentObjects(
    adapter: StorageAdapter,
    bucket: string,
    prefix: string,
    withVersions = false,
  ): Promise<DatasetSnapshotObject[]> {
    const objects: DatasetSnapshotObject[] = [];
    const listing =
      withVersions && adapter.listCurrentVersions
        ? adapter.listCurrentVersions(bucket, prefix)
        : adapter.listRecursive(bucket, prefix);
    for await (const o of listing) {
      if (o.key.startsWith(SNAPSHOT_ROOT)) continue;
      const path = o.key.slice(prefix.length);
      if (path.startsWith(SNAPSHOT_ROOT)) continue;
      objects.push({
        path,
        size: o.size,
        etag: o.etag,
        ...(o.versionId ? { versionId: o.versionId } : {}),
      });
    }
    return objects;
  }

  async function methodFor(
    adapter: StorageAdapter,
    bucket: string,
  ): Promise<DatasetSnapshotMethod> {
    if (adapter.versioning && (await adapter.versioning(bucket))) {
      return 'version-ids';
    }
    if (adapter.link) return 'hardlink';
    if (adapter.copy) return 'copy';
    throw new InputError(
      `The storage adapter "${adapter.type}" cannot copy objects, so it cannot keep snapshots.`,
    );
  }

  async function takeSnapshot(
    entityRef: string,
    location: { adapter: StorageAdapter; bucket: string },
    prefix: string,
    message: string,
    reason: 'manual' | 'before-restore',
    actor: string,
  ): Promise<DatasetSnapshot> {
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
    const stored: string[] = [];
    try {
      const objects = await currentObjects(
        adapter,
        bucket,
        prefix,
        method === 'version-ids',
      );
      const crashAfter = Number(process.env[CRASH_AFTER_ENV] ?? NaN);
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
        const storedKey = `${folder}${object.path}`;
        stored.push(storedKey);
        if (method === 'hardlink') await adapter.link!(bucket, key, storedKey);
        else await adapter.copy!(bucket, key, storedKey);
        object.storedKey = storedKey;
        if (stored.length >= crashAfter) process.kill(process.pid, 'SIGKILL');
      });
      const digest = manifestDigest(objects);
      const totalBytes = objects.reduce((sum, o) => sum + o.size, 0);
      await db.transaction(async tx => {
        for (let i = 0; i < objects.length; i += 200) {
          await tx(OBJECTS).insert(
            objects.slice(i, i + 200).map(o => ({
              snapshot_id: id,
              path: o.path,
              size: o.size,
              etag: o.etag ?? null,
              version_id: o.versionId ?? null,
              stored_key: o.storedKey ?? null,
            })),
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
      // nothing half-written: drop what was copied and the pending row
      await adapter.remove?.(bucket, stored).catch(() => undefined);
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
  }

  async function manifestOf(
    entityRef: string,
    id: string,
  ): Promise<DatasetSnapshotManifest> {
    if (!SNAPSHOT_ID_PATTERN.test(id)) {
      throw new InputError(
        `"${id}" is not a snapshot id; snapshot ids look like snap-20261126t070102z-3f9a1c.`,
      );
    }
    const row = await db<SnapshotRow>(SNAPSHOTS)
      .where({ id, entity_ref: entityRef, state: 'complete' })
      .first();
    if (!row) {
      throw new NotFoundError(`No snapshot ${id} of ${entityRef}.`);
    }
    const rows = await db(OBJECTS).where({ snapshot_id: id }).orderBy('path');
    return {
      ...toSnapshot(row),
      objects: rows.map(r => ({
        path: r.path,
        size: Number(r.size),
        ...(r.etag ? { etag: r.etag } : {}),
        ...(r.version_id ? { versionId: r.version_id } : {}),
        ...(r.stored_key ? { storedKey: r.stored_key } : {}),
      })),
    };
  }

  /** Makes the dataset's objects exactly the snapshot's; idempotent (safe to re-run). */
  async function applySnapshot(
    manifest: DatasetSnapshotManifest,
    adapter: StorageAdapter,
  ) {
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
      } else if (manifest.method === 'hardlink' && adapter.link) {
        // the frozen file itself goes back under its key: same size and modification time,
        // so the same ETag as in the manifest (a copy would get a new time, and a diff
        // against this snapshot would call every restored file changed)
        await adapter.link(bucket, o.storedKey!, key);
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

  function adapterOf(snapshot: DatasetSnapshot): StorageAdapter {
    const adapter = storage.resolveLocation(`s3://${snapshot.bucket}/`).adapter;
    if (adapter.type !== snapshot.adapter) {
      throw new Error(
        `Snapshot ${snapshot.id} was taken on the ${snapshot.adapter} store, but the default store is now ${adapter.type}.`,
      );
    }
    return adapter;
  }

  return {
    async create(ref, request, credentials) {
      const actor = actorOf(credentials);
      const { entityRef, location, prefix } = await load(
        ref,
        datasetPreviewPermission,
        credentials,
      );
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
      const { entityRef } = await load(
        ref,
        datasetPreviewPermission,
        credentials,
      );
      const rows = await db<SnapshotRow>(SNAPSHOTS)
        .where({ entity_ref: entityRef, state: 'complete' })
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ]);
      return rows.map(toSnapshot);
    },

    async get(ref, id, credentials) {
      const { entityRef } = await load(
        ref,
        datasetPreviewPermission,
        credentials,
      );
      return manifestOf(entityRef, id);
    },

    async diff(ref, from, to, credentials) {
      const { entity, entityRef, location, prefix } = await load(
        ref,
        datasetPreviewPermission,
        credentials,
      );
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
      // same content: equal size and ETag (a restored object is a new version with the old
      // bytes, so it is unchanged); version ids only when a side has no ETag
      const same = (a: DatasetSnapshotObject, b: DatasetSnapshotObject) =>
        a.size === b.size &&
        (a.etag && b.etag
          ? a.etag === b.etag
          : a.versionId !== undefined && a.versionId === b.versionId);
      const beforeByPath = new Map(before.objects.map(o => [o.path, o]));
      const afterByPath = new Map(afterObjects.map(o => [o.path, o]));
      const diff: DatasetSnapshotDiff = {
        entityRef,
        from,
        to,
        added: afterObjects.filter(o => !beforeByPath.has(o.path)),
        removed: before.objects.filter(o => !afterByPath.has(o.path)),
        changed: [],
        unchangedCount: 0,
        schema: { added: [], removed: [], changed: [] },
      };
      const { format } = entity.spec;
      const table = isTabularFormat(format)
        ? await tableDiff(
            entity,
            snapshotSource(before, location.adapter, 'dataset', format),
            afterManifest
              ? snapshotSource(
                  afterManifest,
                  location.adapter,
                  'dataset',
                  format,
                )
              : {
                  kind: 'objects',
                  name: 'dataset',
                  format,
                  storage: location.adapter,
                  bucket: location.bucket,
                  prefix,
                },
          )
        : await tableDiff(entity, undefined, undefined);
      Object.assign(diff, table);
      for (const [path, b] of beforeByPath) {
        const a = afterByPath.get(path);
        if (!a) continue;
        if (same(b, a)) diff.unchangedCount++;
        else diff.changed.push({ path, before: b, after: a });
      }
      return diff;
    },

    async source(entity, id, name) {
      const entityRef = stringifyEntityRef(entity);
      const { format } = entity.spec;
      if (!isTabularFormat(format)) {
        throw new InputError(
          `Dataset "${entity.metadata.name}" holds ${format} files, which are not a table; browse the snapshot's files instead.`,
        );
      }
      const location = storage.resolveLocation(entity.spec.location);
      const manifest = await manifestOf(entityRef, id);
      return snapshotSource(manifest, location.adapter, name, format);
    },

    async restore(ref, id, request, credentials) {
      const actor = actorOf(credentials);
      const { entityRef, location, prefix } = await load(
        ref,
        datasetSnapshotRestorePermission,
        credentials,
      );
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
        await applySnapshot(manifest, location.adapter);
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

    async recover(olderThanMs) {
      let swept = 0;
      let rolledForward = 0;
      const cutoff = new Date(Date.now() - olderThanMs);
      const pending = await db<SnapshotRow>(SNAPSHOTS)
        .where({ state: 'pending' })
        .andWhere('created_at', '<', cutoff);
      for (const row of pending) {
        const snapshot = toSnapshot(row);
        const adapter = adapterOf(snapshot);
        const folder = snapshotFolder(snapshot.entityRef, snapshot.id);
        const keys: string[] = [];
        for await (const o of adapter.listRecursive(snapshot.bucket, folder)) {
          keys.push(o.key);
        }
        await adapter.remove?.(snapshot.bucket, keys);
        await db(SNAPSHOTS)
          .where({ id: snapshot.id, state: 'pending' })
          .delete();
        logger.info(
          `Swept pending snapshot ${snapshot.id} of ${snapshot.entityRef} (${keys.length} objects)`,
        );
        swept++;
      }
      const running = await db(RESTORES).where({ state: 'running' });
      for (const journal of running) {
        const manifest = await manifestOf(
          journal.entity_ref,
          journal.snapshot_id,
        );
        await applySnapshot(manifest, adapterOf(manifest));
        await db.transaction(async tx => {
          await tx(RESTORES)
            .where({ id: journal.id })
            .update({ state: 'done' });
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
      return { swept, rolledForward };
    },
  };
}
