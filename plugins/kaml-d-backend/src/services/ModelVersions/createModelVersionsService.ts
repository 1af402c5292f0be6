import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  modelTrainPermission,
  modelVersionPromotePermission,
} from '@kaml-d/plugin-kaml-d-common';
import { Knex } from 'knex';
import { isUniqueViolation } from '../../database/uniqueViolation';
import { AuditLogService } from '../Audit';
import { modelVersionsBySnapshot } from './snapshotModels';
import { ModelVersionsService } from './types';
import { actorOf } from '../actor';
import { checkAlias, compareVersions } from './versionRows';
import { createModelVersionsStore } from './versionStore';

// the demo seed file checks its aliases with the same pattern
export { ALIAS_PATTERN } from './versionRows';

/** Attempts at taking the next version number when concurrent registrations collide. */
const MAX_REGISTER_ATTEMPTS = 8;

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
  const store = createModelVersionsStore(db, now);

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
            const trainedOn = await store.checkTrainedOn(
              request.trainedOn ?? [],
              tx,
            );
            // a collision on the number rolls the whole transaction back; it is then retried
            const next = await store.insertNextVersion(
              tx,
              entityRef,
              request,
              trainedOn,
              createdBy,
            );
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
          return await store.getVersion(entityRef, version);
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
      const items = await store.hydrate(await store.versionRows(entityRef));
      const aliases: Record<string, number> = {};
      for (const [version, names] of await store.aliasesOf(entityRef)) {
        for (const name of names) aliases[name] = version;
      }
      return { entityRef, items, aliases };
    },

    async get(model, version, credentials) {
      const entityRef = await loadModel(model, credentials);
      return store.getVersion(entityRef, version);
    },

    async compare(model, versions, credentials) {
      const entityRef = await loadModel(model, credentials);
      const rows = await store.versionRows(entityRef, versions);
      return compareVersions(entityRef, versions, rows);
    },

    async promote(model, alias, version, credentials) {
      checkAlias(alias);
      const entityRef = await loadModel(
        model,
        credentials,
        modelVersionPromotePermission,
        'Promoting a version',
      );
      const actor = actorOf(credentials);
      await db.transaction(async tx => {
        const previous = await store.setAlias(
          tx,
          entityRef,
          alias,
          version,
          actor,
        );
        await audit.append(
          {
            actor,
            action: 'model.version.promote',
            entityRef,
            outcome: 'success',
            details: {
              alias,
              version,
              ...(previous !== undefined ? { previousVersion: previous } : {}),
            },
          },
          tx,
        );
      });
      return store.getVersion(entityRef, version);
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
      if (!(await store.hasCompleteSnapshot(datasetRef, snapshotId))) {
        throw new NotFoundError(
          `${datasetRef} has no snapshot "${snapshotId}".`,
        );
      }
      const rows = await store.trainedOnSnapshot(datasetRef, snapshotId);
      if (rows.length === 0) return [];
      // only models the caller can see in the catalog
      const visible = await catalog.getEntitiesByRefs(
        { entityRefs: [...new Set(rows.map(r => r.entity_ref))] },
        { credentials },
      );
      const allowed = new Set(
        visible.items.flatMap(e => (e ? [stringifyEntityRef(e)] : [])),
      );
      return store.hydrate(rows.filter(r => allowed.has(r.entity_ref)));
    },
  };
}
