import { InputError, NotFoundError } from '@backstage/errors';
import {
  ModelVersion,
  ModelVersionDatasetRef,
  RegisterModelVersionRequest,
} from '@kaml-d/plugin-kaml-d-common';
import { Knex } from 'knex';
import { toModelVersion, trainedOnDatasetRef, VersionRow } from './versionRows';

const VERSIONS = 'kaml_d_model_versions';
const VERSION_DATASETS = 'kaml_d_model_version_datasets';
const ALIASES = 'kaml_d_model_aliases';
const SNAPSHOTS = 'kaml_d_dataset_snapshots';

/**
 * The queries of the model version tables. Each takes the connection to run on (a transaction's,
 * or the plugin database by default); `now` stamps what is written.
 */
export function createModelVersionsStore(db: Knex, now: () => Date) {
  /** Whether the dataset has a complete snapshot of this id. */
  async function hasCompleteSnapshot(
    datasetRef: string,
    snapshotId: string,
    conn: Knex = db,
  ): Promise<boolean> {
    const snapshot = await conn(SNAPSHOTS)
      .where({ id: snapshotId, entity_ref: datasetRef, state: 'complete' })
      .first('id');
    return Boolean(snapshot);
  }

  /** The aliases of a model by the version they point at, each list by name. */
  async function aliasesOf(
    entityRef: string,
    conn: Knex = db,
  ): Promise<Map<number, string[]>> {
    const rows: Array<{ alias: string; version: number }> = await conn(ALIASES)
      .where({ entity_ref: entityRef })
      .orderBy('alias')
      .select('alias', 'version');
    const byVersion = new Map<number, string[]>();
    for (const row of rows) {
      const v = Number(row.version);
      byVersion.set(v, [...(byVersion.get(v) ?? []), row.alias]);
    }
    return byVersion;
  }

  /** Full versions for the given rows (datasets and aliases joined in). */
  async function hydrate(
    rows: VersionRow[],
    conn: Knex = db,
  ): Promise<ModelVersion[]> {
    if (rows.length === 0) return [];
    const refs = [...new Set(rows.map(r => r.entity_ref))];
    const datasetRows: Array<{
      entity_ref: string;
      version: number;
      dataset_ref: string;
      snapshot_id: string;
    }> = await conn(VERSION_DATASETS)
      .whereIn('entity_ref', refs)
      .orderBy('dataset_ref')
      .select();
    const datasets = new Map<string, ModelVersionDatasetRef[]>();
    for (const d of datasetRows) {
      const key = `${d.entity_ref}#${Number(d.version)}`;
      datasets.set(key, [
        ...(datasets.get(key) ?? []),
        { datasetRef: d.dataset_ref, snapshotId: d.snapshot_id },
      ]);
    }
    const aliases = new Map<string, Map<number, string[]>>();
    for (const ref of refs) aliases.set(ref, await aliasesOf(ref, conn));

    return rows.map(row => {
      const version = Number(row.version);
      return toModelVersion(
        row,
        datasets.get(`${row.entity_ref}#${version}`) ?? [],
        aliases.get(row.entity_ref)?.get(version) ?? [],
      );
    });
  }

  return {
    aliasesOf,
    hydrate,
    hasCompleteSnapshot,

    /** One full version; 404 when the model has no such version. */
    async getVersion(
      entityRef: string,
      version: number,
      conn: Knex = db,
    ): Promise<ModelVersion> {
      const row: VersionRow | undefined = await conn(VERSIONS)
        .where({ entity_ref: entityRef, version })
        .first();
      if (!row) {
        throw new NotFoundError(`${entityRef} has no version ${version}.`);
      }
      const [full] = await hydrate([row], conn);
      return full;
    },

    /** Normalised dataset refs; 400 naming an entry that is not a complete snapshot. */
    async checkTrainedOn(
      trainedOn: ModelVersionDatasetRef[],
      conn: Knex,
    ): Promise<ModelVersionDatasetRef[]> {
      const result: ModelVersionDatasetRef[] = [];
      const seen = new Set<string>();
      for (const [i, entry] of trainedOn.entries()) {
        const datasetRef = trainedOnDatasetRef(entry, i);
        if (seen.has(datasetRef)) {
          throw new InputError(
            `trainedOn[${i}]: ${datasetRef} is listed twice; give one snapshot per dataset.`,
          );
        }
        seen.add(datasetRef);
        if (!(await hasCompleteSnapshot(datasetRef, entry.snapshotId, conn))) {
          throw new InputError(
            `trainedOn[${i}]: ${datasetRef} has no complete snapshot "${entry.snapshotId}"; take a snapshot of the dataset first and name its id.`,
          );
        }
        result.push({ datasetRef, snapshotId: entry.snapshotId });
      }
      return result;
    },

    /**
     * Inserts the model's next version (max + 1) and its dataset links; returns its number. A
     * concurrent registration that took the number first makes the insert fail on the primary
     * key (a unique violation): the caller retries the whole transaction.
     */
    async insertNextVersion(
      tx: Knex.Transaction,
      entityRef: string,
      request: RegisterModelVersionRequest,
      trainedOn: ModelVersionDatasetRef[],
      createdBy: string,
    ): Promise<number> {
      const max = await tx(VERSIONS)
        .where({ entity_ref: entityRef })
        .max({ max: 'version' })
        .first();
      const next = Number(max?.max ?? 0) + 1;
      await tx(VERSIONS).insert({
        entity_ref: entityRef,
        version: next,
        description: request.description ?? null,
        artifact_uri: request.artifactUri,
        artifact_digest: request.artifactDigest ?? null,
        metrics: JSON.stringify(request.metrics ?? {}),
        parameters: JSON.stringify(request.parameters ?? {}),
        run: request.run ? JSON.stringify(request.run) : null,
        created_at: now(),
        created_by: createdBy,
      });
      if (trainedOn.length > 0) {
        await tx(VERSION_DATASETS).insert(
          trainedOn.map(d => ({
            entity_ref: entityRef,
            version: next,
            dataset_ref: d.datasetRef,
            snapshot_id: d.snapshotId,
          })),
        );
      }
      return next;
    },

    /** The model's versions, newest first; of the given numbers only when given. */
    async versionRows(
      entityRef: string,
      versions?: number[],
    ): Promise<VersionRow[]> {
      if (versions) {
        return db(VERSIONS)
          .where({ entity_ref: entityRef })
          .whereIn('version', versions);
      }
      return db(VERSIONS)
        .where({ entity_ref: entityRef })
        .orderBy('version', 'desc');
    },

    /**
     * Points the alias at the version (which must exist: 404 otherwise); returns the version it
     * pointed at before, if any.
     */
    async setAlias(
      tx: Knex.Transaction,
      entityRef: string,
      alias: string,
      version: number,
      updatedBy: string,
    ): Promise<number | undefined> {
      const exists = await tx(VERSIONS)
        .where({ entity_ref: entityRef, version })
        .first('version');
      if (!exists) {
        throw new NotFoundError(
          `${entityRef} has no version ${version}; register it before promoting it.`,
        );
      }
      const previous = await tx(ALIASES)
        .where({ entity_ref: entityRef, alias })
        .first('version');
      await tx(ALIASES)
        .insert({
          entity_ref: entityRef,
          alias,
          version,
          updated_at: now(),
          updated_by: updatedBy,
        })
        .onConflict(['entity_ref', 'alias'])
        .merge(['version', 'updated_at', 'updated_by']);
      return previous ? Number(previous.version) : undefined;
    },

    /** Versions of any model trained on the snapshot, by model ref then newest first. */
    async trainedOnSnapshot(
      datasetRef: string,
      snapshotId: string,
    ): Promise<VersionRow[]> {
      const links: Array<{ entity_ref: string; version: number }> = await db(
        VERSION_DATASETS,
      )
        .where({ dataset_ref: datasetRef, snapshot_id: snapshotId })
        .select('entity_ref', 'version');
      if (links.length === 0) return [];
      return db(VERSIONS)
        .where(builder => {
          for (const link of links) {
            builder.orWhere({
              entity_ref: link.entity_ref,
              version: link.version,
            });
          }
        })
        .orderBy([
          { column: 'entity_ref' },
          { column: 'version', order: 'desc' },
        ]);
    },
  };
}

/** The model versions store. */
export type ModelVersionsStore = ReturnType<typeof createModelVersionsStore>;
