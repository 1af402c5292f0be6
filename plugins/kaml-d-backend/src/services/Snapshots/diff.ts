import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  DatasetColumnType,
  DatasetEntity,
  DatasetSnapshotDiff,
  DatasetSnapshotManifest,
  DatasetSnapshotObject,
} from '@kaml-d/plugin-kaml-d-common';
import {
  ObjectDatasetSource,
  StorageAdapter,
  TabularFormat,
} from '@kaml-d/plugin-kaml-d-node';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { isTabularFormat } from '../Datasets/sources';
import { QueryEngineService, guardSql } from '../QueryEngine';
import { forEachLimited } from './limited';

/** The objects a query engine reads for a snapshot (its frozen copies or versions). */
export function snapshotSource(
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

/** Hex sha256 of an object's bytes, read through the adapter. */
async function sha256Of(
  adapter: StorageAdapter,
  bucket: string,
  key: string,
): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(await adapter.read(bucket, key), hash);
  return hash.digest('hex');
}

/** Diffs of snapshots with each other or with the current state, schemas and row counts included. */
export function createSnapshotDiffer(options: {
  engines: QueryEngineService;
  logger: LoggerService;
  /** Objects hashed at once when a diff compares current bytes with a snapshot's hashes. */
  concurrency: number;
}) {
  const { engines, logger, concurrency } = options;

  /** Columns (over all files) and row count of one side of a diff. */
  async function readTable(source: ObjectDatasetSource) {
    const engine = engines.engineFor([source]);
    const limits = { maxRows: 1, timeoutMs: engines.config.timeoutMs };
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

  /**
   * Same content: equal size and, where both sides know the sha256 of their bytes, equal hashes;
   * else equal ETags (a restored S3 object is a new version with the old bytes, so unchanged).
   * A current object whose ETag differs from a content-addressed snapshot's (a restored file gets
   * a new time) is hashed and compared by its bytes. Version ids only when a side has no ETag.
   */
  async function sameContent(
    b: DatasetSnapshotObject,
    a: DatasetSnapshotObject,
    current:
      | { adapter: StorageAdapter; bucket: string; prefix: string }
      | undefined,
  ): Promise<boolean> {
    if (a.size !== b.size) return false;
    if (a.sha256 && b.sha256) return a.sha256 === b.sha256;
    if (a.etag && b.etag && a.etag === b.etag) return true;
    if (current && b.sha256) {
      const key = `${current.prefix}${a.path}`;
      return (
        (await sha256Of(current.adapter, current.bucket, key)) === b.sha256
      );
    }
    if (a.etag && b.etag) return false;
    return a.versionId !== undefined && a.versionId === b.versionId;
  }

  return {
    async diff(input: {
      entity: DatasetEntity;
      entityRef: string;
      location: { adapter: StorageAdapter; bucket: string };
      prefix: string;
      before: DatasetSnapshotManifest;
      /** The later snapshot, or undefined for the current state (`afterObjects`). */
      afterManifest: DatasetSnapshotManifest | undefined;
      afterObjects: DatasetSnapshotObject[];
      to: string;
    }): Promise<DatasetSnapshotDiff> {
      const { entity, entityRef, location, prefix, before, afterManifest } =
        input;
      const { afterObjects } = input;
      const beforeByPath = new Map(before.objects.map(o => [o.path, o]));
      const afterByPath = new Map(afterObjects.map(o => [o.path, o]));
      const diff: DatasetSnapshotDiff = {
        entityRef,
        from: before.id,
        to: input.to,
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
      const current = afterManifest ? undefined : { ...location, prefix };
      const pairs = [...beforeByPath]
        .filter(([path]) => afterByPath.has(path))
        .map(([path, b]) => ({ path, b, a: afterByPath.get(path)! }));
      const same = new Map<string, boolean>();
      await forEachLimited(pairs, concurrency, async ({ path, a, b }) => {
        same.set(path, await sameContent(b, a, current));
      });
      for (const { path, a, b } of pairs) {
        if (same.get(path)) diff.unchangedCount++;
        else diff.changed.push({ path, before: b, after: a });
      }
      return diff;
    },
  };
}
