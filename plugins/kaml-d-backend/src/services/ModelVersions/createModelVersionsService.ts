import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { JsonObject } from '@backstage/types';
import {
  ModelVersion,
  ModelVersionDatasetRef,
  ModelVersionRun,
  modelTrainPermission,
  modelVersionPromotePermission,
} from '@kaml-d/plugin-kaml-d-common';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { isUniqueViolation } from '../../database/uniqueViolation';
import { AuditLogService } from '../Audit';
import { modelVersionsBySnapshot } from './snapshotModels';
import { ModelVersionsService } from './types';

const VERSIONS = 'kaml_d_model_versions';
const VERSION_DATASETS = 'kaml_d_model_version_datasets';
const ALIASES = 'kaml_d_model_aliases';
const SNAPSHOTS = 'kaml_d_dataset_snapshots';
/** Attempts at taking the next version number when concurrent registrations collide. */
const MAX_REGISTER_ATTEMPTS = 8;

/** DNS-label-like alias names: `champion`, `staging-2`. */
export const ALIAS_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

interface VersionRow {
  entity_ref: string;
  version: number;
  description: string | null;
  artifact_uri: string;
  artifact_digest: string | null;
  metrics: string;
  parameters: string;
  run: string | null;
  created_at: string | Date;
  created_by: string;
}

function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.userEntityRef) return principal.userEntityRef;
  if (principal.subject) return `service:${principal.subject}`;
  return 'unknown';
}

/** Creates the model versions service over the plugin database. */
export function createModelVersionsService(options: {
  db: Knex;
  catalog: CatalogService;
  permissions: PermissionsService;
  audit: AuditLogService;
  now?: () => Date;
}): ModelVersionsService {
  const { db, catalog, permissions, audit } = options;
  const now = options.now ?? (() => new Date());

  /** The model's entity ref after checking it is a Model in the catalog the caller can see. */
  async function loadModel(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
    permission?: ResourcePermission<'catalog-entity'>,
    doing?: string,
  ): Promise<string> {
    const entityRef = stringifyEntityRef({ ...ref, kind: 'model' });
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity || entity.kind.toLocaleLowerCase('en-US') !== 'model') {
      throw new NotFoundError(`No model ${entityRef} in the catalog.`);
    }
    if (permission) {
      const [decision] = await permissions.authorize(
        [{ permission, resourceRef: entityRef }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `${doing} of ${entityRef} needs the ${permission.name} permission.`,
        );
      }
    }
    return entityRef;
  }

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
      const run = parseJson<ModelVersionRun | null>(row.run, null);
      return {
        entityRef: row.entity_ref,
        version,
        ...(row.description ? { description: row.description } : {}),
        artifactUri: row.artifact_uri,
        ...(row.artifact_digest ? { artifactDigest: row.artifact_digest } : {}),
        metrics: parseJson<Record<string, number>>(row.metrics, {}),
        parameters: parseJson<JsonObject>(row.parameters, {}),
        trainedOn: datasets.get(`${row.entity_ref}#${version}`) ?? [],
        ...(run ? { run } : {}),
        createdAt: new Date(row.created_at).toISOString(),
        createdBy: row.created_by,
        aliases: aliases.get(row.entity_ref)?.get(version) ?? [],
      };
    });
  }

  async function getVersion(
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
  }

  /** Normalised dataset refs; 400 naming an entry that is not a complete snapshot. */
  async function checkTrainedOn(
    trainedOn: ModelVersionDatasetRef[],
    conn: Knex,
  ): Promise<ModelVersionDatasetRef[]> {
    const result: ModelVersionDatasetRef[] = [];
    const seen = new Set<string>();
    for (const [i, entry] of trainedOn.entries()) {
      let datasetRef: string;
      try {
        const parsed = parseEntityRef(entry.datasetRef, {
          defaultKind: 'dataset',
          defaultNamespace: 'default',
        });
        if (parsed.kind.toLocaleLowerCase('en-US') !== 'dataset') {
          throw new Error('not a dataset');
        }
        datasetRef = stringifyEntityRef(parsed);
      } catch {
        throw new InputError(
          `trainedOn[${i}]: "${entry.datasetRef}" is not a dataset entity ref such as dataset:default/finance-transactions.`,
        );
      }
      if (seen.has(datasetRef)) {
        throw new InputError(
          `trainedOn[${i}]: ${datasetRef} is listed twice; give one snapshot per dataset.`,
        );
      }
      seen.add(datasetRef);
      const snapshot = await conn(SNAPSHOTS)
        .where({
          id: entry.snapshotId,
          entity_ref: datasetRef,
          state: 'complete',
        })
        .first('id');
      if (!snapshot) {
        throw new InputError(
          `trainedOn[${i}]: ${datasetRef} has no complete snapshot "${entry.snapshotId}"; take a snapshot of the dataset first and name its id.`,
        );
      }
      result.push({ datasetRef, snapshotId: entry.snapshotId });
    }
    return result;
  }

  return {
    async register(model, request, credentials) {
      const entityRef = await loadModel(
        model,
        credentials,
        modelTrainPermission,
        'Registering a version',
      );
      const createdBy = actorOf(credentials);

      for (let attempt = 1; ; attempt++) {
        try {
          const version = await db.transaction(async tx => {
            const trainedOn = await checkTrainedOn(request.trainedOn ?? [], tx);
            const max = await tx(VERSIONS)
              .where({ entity_ref: entityRef })
              .max({ max: 'version' })
              .first();
            const next = Number(max?.max ?? 0) + 1;
            // a concurrent registration that took `next` first makes this insert fail on the
            // primary key; the whole transaction is then retried with a fresh maximum
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
            await audit.append(
              {
                actor: createdBy,
                action: 'model.version.register',
                entityRef,
                outcome: 'success',
                details: {
                  version: next,
                  artifactUri: request.artifactUri,
                  trainedOn: trainedOn.map(
                    d => `${d.datasetRef}@${d.snapshotId}`,
                  ),
                  ...(request.run
                    ? { run: `${request.run.namespace}/${request.run.name}` }
                    : {}),
                },
              },
              tx,
            );
            return next;
          });
          return await getVersion(entityRef, version);
        } catch (error) {
          if (isUniqueViolation(error) && attempt < MAX_REGISTER_ATTEMPTS) {
            // back off a little so the colliding registrations spread out
            await new Promise(r => setTimeout(r, Math.random() * 20 * attempt));
            continue;
          }
          if (isUniqueViolation(error)) {
            throw new ConflictError(
              `Too many concurrent registrations of ${entityRef}; try again.`,
            );
          }
          throw error;
        }
      }
    },

    async list(model, credentials) {
      const entityRef = await loadModel(model, credentials);
      const rows: VersionRow[] = await db(VERSIONS)
        .where({ entity_ref: entityRef })
        .orderBy('version', 'desc');
      const items = await hydrate(rows);
      const aliases: Record<string, number> = {};
      for (const [version, names] of await aliasesOf(entityRef)) {
        for (const name of names) aliases[name] = version;
      }
      return { entityRef, items, aliases };
    },

    async get(model, version, credentials) {
      const entityRef = await loadModel(model, credentials);
      return getVersion(entityRef, version);
    },

    async compare(model, versions, credentials) {
      const entityRef = await loadModel(model, credentials);
      const rows: VersionRow[] = await db(VERSIONS)
        .where({ entity_ref: entityRef })
        .whereIn('version', versions);
      const byVersion = new Map(rows.map(r => [Number(r.version), r]));
      const missing = versions.filter(v => !byVersion.has(v));
      if (missing.length > 0) {
        throw new NotFoundError(
          `${entityRef} has no version ${missing.join(', ')}.`,
        );
      }
      const metricsOf = new Map(
        versions.map(v => [
          v,
          parseJson<Record<string, number>>(byVersion.get(v)!.metrics, {}),
        ]),
      );
      const metrics = [
        ...new Set([...metricsOf.values()].flatMap(m => Object.keys(m))),
      ].sort();
      return {
        entityRef,
        versions,
        metrics,
        rows: versions.map(version => ({
          version,
          values: metrics.map(name => {
            const value = metricsOf.get(version)![name];
            return typeof value === 'number' ? value : null;
          }),
        })),
      };
    },

    async promote(model, alias, version, credentials) {
      if (!ALIAS_PATTERN.test(alias)) {
        throw new InputError(
          `Alias "${alias}" is not valid: use lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters.`,
        );
      }
      const entityRef = await loadModel(
        model,
        credentials,
        modelVersionPromotePermission,
        'Promoting a version',
      );
      const actor = actorOf(credentials);
      await db.transaction(async tx => {
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
            updated_by: actor,
          })
          .onConflict(['entity_ref', 'alias'])
          .merge(['version', 'updated_at', 'updated_by']);
        await audit.append(
          {
            actor,
            action: 'model.version.promote',
            entityRef,
            outcome: 'success',
            details: {
              alias,
              version,
              ...(previous
                ? { previousVersion: Number(previous.version) }
                : {}),
            },
          },
          tx,
        );
      });
      return getVersion(entityRef, version);
    },

    trainedOnSnapshots(dataset, credentials) {
      return modelVersionsBySnapshot({ db, catalog }, dataset, credentials);
    },

    async trainedOnSnapshot(dataset, snapshotId, credentials) {
      const datasetRef = stringifyEntityRef({ ...dataset, kind: 'dataset' });
      const entity = await catalog.getEntityByRef(datasetRef, { credentials });
      if (!entity) {
        throw new NotFoundError(`No dataset ${datasetRef} in the catalog.`);
      }
      const snapshot = await db(SNAPSHOTS)
        .where({ id: snapshotId, entity_ref: datasetRef, state: 'complete' })
        .first('id');
      if (!snapshot) {
        throw new NotFoundError(
          `${datasetRef} has no snapshot "${snapshotId}".`,
        );
      }
      const links: Array<{ entity_ref: string; version: number }> = await db(
        VERSION_DATASETS,
      )
        .where({ dataset_ref: datasetRef, snapshot_id: snapshotId })
        .select('entity_ref', 'version');
      if (links.length === 0) return [];
      const rows: VersionRow[] = await db(VERSIONS)
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
      // only models the caller can see in the catalog
      const visible = await catalog.getEntitiesByRefs(
        { entityRefs: [...new Set(rows.map(r => r.entity_ref))] },
        { credentials },
      );
      const allowed = new Set(
        visible.items.flatMap(e => (e ? [stringifyEntityRef(e)] : [])),
      );
      return hydrate(rows.filter(r => allowed.has(r.entity_ref)));
    },
  };
}
