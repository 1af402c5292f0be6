import {
  AuthService,
  BackstageCredentials,
  CacheService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { DatasetSource } from '@kaml-d/plugin-kaml-d-node';
import {
  DatasetEntity,
  datasetPreviewPermission,
  datasetQueryPermission,
  isDatasetEntity,
} from '@kaml-d/plugin-kaml-d-common';
import { AuditLogService } from '../Audit';
import { StorageService } from '../Storage';
import { guardSql, QueryEngineService } from '../QueryEngine';
import { SNAPSHOT_ID_PATTERN } from '../Snapshots/ids';
import { SnapshotsService } from '../Snapshots/types';
import { StorageBindingsService } from '../StorageBindings';
import { sourceOf } from './sources';
import { DatasetsService } from './types';
import { createUploader } from './upload';
import { DatasetNameClaims } from './nameClaims';
import { createPreviewCache } from './previewCache';
import { createRowCounter } from './rowCount';
import { createSchemaReader, SchemaReader } from './schemaReader';
import { createRescanner } from './rescan';
import { summarizePage } from './profileSummary';
import { createDatasetWriteAccess } from './writeAccess';

/** `name` → default namespace, `namespace/name` → that namespace. */
export function parseDatasetName(reference: string): CompoundEntityRef {
  const parts = reference.split('/');
  const valid = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
  if (parts.length > 2 || !parts.every(p => valid.test(p))) {
    throw new InputError(
      `"${reference}" is not a dataset name; name datasets as "name" or "namespace/name" in double quotes.`,
    );
  }
  const [namespace, name] = parts.length === 2 ? parts : ['default', parts[0]];
  return {
    kind: 'dataset',
    namespace: namespace.toLowerCase(),
    name: name.toLowerCase(),
  };
}

/**
 * A dataset as SQL names it: `name`, `namespace/name`, either with `@<snapshot id>` to read that
 * snapshot (`"finance/transactions@snap-20261126t070102z-3f9a1c"`).
 */
export function parseDatasetReference(reference: string): {
  ref: CompoundEntityRef;
  snapshot?: string;
} {
  const at = reference.indexOf('@');
  if (at < 0) return { ref: parseDatasetName(reference) };
  const snapshot = reference.slice(at + 1);
  if (!SNAPSHOT_ID_PATTERN.test(snapshot)) {
    throw new InputError(
      `"${reference}" does not name a snapshot; write "name@<snapshot id>" with an id from the dataset's Versions tab, such as "transactions@snap-20261126t070102z-3f9a1c".`,
    );
  }
  return { ref: parseDatasetName(reference.slice(0, at)), snapshot };
}

/** Builds the Metadata Hub service. */
export function createDatasetsService(options: {
  catalog: CatalogService;
  permissions: PermissionsService;
  storage: StorageService;
  engines: QueryEngineService;
  cache: CacheService;
  events: EventsService;
  logger: LoggerService;
  maxUploadBytes: number;
  /** Where uploads are audited (`dataset.upload`). */
  audit: AuditLogService;
  /** Previews of unchanged data from the cache (default: on). */
  previewCache?: { enabled?: boolean };
  /** Who is creating which new dataset right now (see {@link DatasetNameClaims}). */
  claims: DatasetNameClaims;
  /** The plugin's own credentials: an upload looks up the datasets its folder is bound to. */
  auth: AuthService;
  /** The caller's groups: an upload's owner must be the caller or one of them. */
  userInfo: UserInfoService;
  /** Reads of past snapshots (`?snapshot=` and `"name@<id>"` in SQL); absent: current data only. */
  snapshots?: Pick<SnapshotsService, 'source'>;
  /** The storage binding rule: no data of a dataset that is not bound to its location. */
  bindings: StorageBindingsService;
  /** The engines' schema reader, shared with the catalog's schema route. */
  schemas?: SchemaReader;
}): DatasetsService {
  const { catalog, permissions, storage, engines, cache } = options;
  const limits = engines.config;
  const rowCounter = createRowCounter({ cache });
  const schemas =
    options.schemas ?? createSchemaReader({ engines, cache, storage });
  const previews = createPreviewCache({
    cache,
    enabled: options.previewCache?.enabled,
  });

  /** The dataset entity, after the caller's permission was checked. */
  async function load(
    ref: CompoundEntityRef,
    permission: ResourcePermission<'catalog-entity'>,
    credentials: BackstageCredentials,
  ): Promise<{ entity: DatasetEntity; entityRef: string }> {
    const entityRef = stringifyEntityRef({ ...ref, kind: 'dataset' });
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity || !isDatasetEntity(entity)) {
      throw new NotFoundError(`No dataset ${entityRef} in the catalog.`);
    }
    await authorize([entityRef], permission, credentials);
    await options.bindings.assertBound(entity);
    return { entity, entityRef };
  }

  async function authorize(
    entityRefs: string[],
    permission: ResourcePermission<'catalog-entity'>,
    credentials: BackstageCredentials,
  ) {
    const decisions = await permissions.authorize(
      entityRefs.map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    const denied = entityRefs.filter(
      (_, i) => decisions[i].result !== AuthorizeResult.ALLOW,
    );
    if (denied.length > 0) {
      throw new NotAllowedError(
        `You may not read ${denied.join(', ')} (${permission.name}).`,
      );
    }
  }

  /** Where to read the dataset: as it is now, or snapshot `snapshot` of it. */
  async function readSource(
    entity: DatasetEntity,
    name: string,
    snapshot: string | undefined,
  ): Promise<DatasetSource> {
    if (snapshot === undefined) return sourceOf(entity, name, storage);
    if (!options.snapshots) {
      throw new InputError(
        'This backend keeps no dataset snapshots; read the dataset without a snapshot.',
      );
    }
    return options.snapshots.source(entity, snapshot, name);
  }

  function objectLocationOf(entity: DatasetEntity) {
    return storage.resolveLocation(entity.spec.location);
  }

  return {
    async schema(ref, credentials, snapshot) {
      const { entity, entityRef } = await load(
        ref,
        datasetPreviewPermission,
        credentials,
      );
      const source = await readSource(entity, entity.metadata.name, snapshot);
      const { engine, columns } = await schemas.read(source);
      return {
        entityRef,
        engine,
        columns,
        ...(snapshot ? { snapshot } : {}),
      };
    },

    async preview(ref, limit, credentials, snapshot) {
      const maxRows = limit ?? limits.previewMaxRows;
      if (maxRows > limits.previewMaxRows) {
        throw new InputError(
          `A preview shows at most ${limits.previewMaxRows} rows; ask for ${limits.previewMaxRows} or fewer, or run a query.`,
        );
      }
      const { entity, entityRef } = await load(
        ref,
        datasetPreviewPermission,
        credentials,
      );
      const source = await readSource(entity, entity.metadata.name, snapshot);
      const engine = engines.engineFor([source]);
      const result = await previews.preview(
        { engine: engine.id, entityRef, maxRows },
        source,
        () => engine.preview(source, { maxRows, timeoutMs: limits.timeoutMs }),
      );
      return {
        entityRef,
        engine: engine.id,
        limit: maxRows,
        ...result,
        ...(snapshot ? { snapshot } : {}),
      };
    },

    async rowCount(ref, credentials) {
      const { entity, entityRef } = await load(
        ref,
        datasetPreviewPermission,
        credentials,
      );
      const source = sourceOf(entity, entity.metadata.name, storage);
      const engine = engines.engineFor([source]);
      const counted = await rowCounter.count(
        { engine, entityRef, timeoutMs: limits.timeoutMs },
        source,
      );
      return {
        entityRef,
        engine: engine.id,
        method: 'exact count',
        ...counted,
      };
    },

    async profile(ref, column, credentials, snapshot) {
      const { entity, entityRef } = await load(
        ref,
        datasetPreviewPermission,
        credentials,
      );
      const source = await readSource(entity, entity.metadata.name, snapshot);
      const { columns } = await schemas.read(source);
      if (!columns.some(c => c.name === column)) {
        throw new InputError(
          `Dataset ${entityRef} has no column "${column}"; its columns are ${columns
            .map(c => c.name)
            .join(', ')}.`,
        );
      }
      const engine = engines.engineFor([source]);
      const profile = await engine.profile(source, column, {
        timeoutMs: limits.timeoutMs,
        topValues: limits.profileTopValues,
        histogramBins: limits.profileHistogramBins,
      });
      return {
        entityRef,
        engine: engine.id,
        ...profile,
        ...(snapshot ? { snapshot } : {}),
      };
    },

    async profileSummary(ref, page, credentials, snapshot) {
      const { entity, entityRef } = await load(
        ref,
        datasetPreviewPermission,
        credentials,
      );
      const source = await readSource(entity, entity.metadata.name, snapshot);
      const { columns } = await schemas.read(source);
      const engine = engines.engineFor([source]);
      const summary = await summarizePage(
        engine,
        source,
        columns,
        page,
        limits.timeoutMs,
      );
      return {
        entityRef,
        engine: engine.id,
        ...summary,
        ...(snapshot ? { snapshot } : {}),
      };
    },

    async query(sql, limit, credentials) {
      const maxRows = limit ?? limits.queryMaxRows;
      if (maxRows > limits.queryMaxRows) {
        throw new InputError(
          `A query returns at most ${limits.queryMaxRows} rows; set limit to ${limits.queryMaxRows} or fewer.`,
        );
      }
      const statement = guardSql(sql);
      const names = [...new Set(statement.references.map(r => r.name))];
      const parsed = names.map(parseDatasetReference);
      const refs = parsed.map(p => stringifyEntityRef(p.ref));
      const { items } = refs.length
        ? await catalog.getEntitiesByRefs({ entityRefs: refs }, { credentials })
        : { items: [] };
      const unknown = names.filter((_, i) => {
        const entity = items[i];
        return !entity || !isDatasetEntity(entity);
      });
      if (unknown.length > 0) {
        throw new NotFoundError(
          `No dataset named ${unknown
            .map(n => `"${n}"`)
            .join(
              ', ',
            )} in the catalog; check the name (datasets of another namespace are written "namespace/name").`,
        );
      }
      await authorize([...new Set(refs)], datasetQueryPermission, credentials);
      for (const entity of items) {
        if (entity) await options.bindings.assertBound(entity);
      }
      const sources = await Promise.all(
        names.map((name, i) => {
          const entity = items[i];
          if (!entity || !isDatasetEntity(entity))
            throw new NotFoundError(`No dataset "${name}".`);
          return readSource(entity, name, parsed[i].snapshot);
        }),
      );
      const engine = engines.engineFor(sources);
      const result = await engine.query(statement, sources, {
        maxRows,
        timeoutMs: limits.timeoutMs,
      });
      const snapshots = parsed.flatMap((p, i) =>
        p.snapshot ? [{ datasetRef: refs[i], snapshotId: p.snapshot }] : [],
      );
      return {
        engine: engine.id,
        limit: maxRows,
        datasets: [...new Set(refs)],
        ...result,
        ...(snapshots.length ? { snapshots } : {}),
      };
    },

    async listObjects(ref, folder, credentials) {
      const { entity, entityRef } = await load(
        ref,
        datasetPreviewPermission,
        credentials,
      );
      const location = objectLocationOf(entity);
      const listing = await storage.listLevel(location, folder);
      const relative = (key: string) => key.slice(location.prefix.length);
      return {
        entityRef,
        location: entity.spec.location,
        folder: folder ?? '',
        objects: listing.objects.map(o => ({
          key: relative(o.key),
          size: o.size,
          ...(o.lastModified
            ? { lastModified: o.lastModified.toISOString() }
            : {}),
          ...(o.etag ? { etag: o.etag } : {}),
        })),
        folders: listing.prefixes.map(relative),
      };
    },

    async downloadLink(ref, key, credentials) {
      const { entity } = await load(ref, datasetPreviewPermission, credentials);
      return storage.downloadLink(objectLocationOf(entity), key);
    },

    rescan: createRescanner(options),

    upload: createUploader({
      events: options.events,
      permissions,
      storage,
      logger: options.logger,
      maxUploadBytes: options.maxUploadBytes,
      audit: options.audit,
      claims: options.claims,
      writeAccess: createDatasetWriteAccess({
        catalog,
        auth: options.auth,
        permissions,
        userInfo: options.userInfo,
      }),
    }),
  };
}
