import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DatasetRescanResponse,
  datasetRescanPermission,
  isDatasetEntity,
} from '@kaml-d/plugin-kaml-d-common';
import {
  DatasetRescanEvent,
  KAML_D_DATASET_EVENTS_TOPIC,
} from '@kaml-d/plugin-kaml-d-node';
import { AuditLogService } from '../Audit';

/**
 * Rescans on request (`kaml-d.dataset.rescan`): for one dataset, discovery re-reads its folder
 * and the catalog refreshes its entity (a Dataset declared in a catalog file re-reads that file
 * and its measured facts); without one, every object-store provider runs a full scan now. The
 * request travels as a `rescan` event on `kaml-d.datasets`, so whichever replica runs the
 * providers acts on it. Audited as `dataset.rescan`.
 */
export function createRescanner(options: {
  catalog: CatalogService;
  permissions: PermissionsService;
  events: EventsService;
  auth: AuthService;
  audit: AuditLogService;
  logger: LoggerService;
}) {
  const { catalog, permissions, events, auth, audit, logger } = options;
  return async function rescan(
    entityRef: string | undefined,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<DatasetRescanResponse> {
    const actor = credentials.principal.userEntityRef;
    const [decision] = await permissions.authorize(
      [{ permission: datasetRescanPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not ask for a rescan (${datasetRescanPermission.name}); ask a data engineer or an admin, or wait for the next full scan.`,
      );
    }
    let location: string | undefined;
    let ref: string | undefined;
    if (entityRef !== undefined) {
      let parsed;
      try {
        parsed = parseEntityRef(entityRef, { defaultKind: 'dataset' });
      } catch {
        throw new InputError(
          `"${entityRef}" is not an entity reference; write dataset:default/<name>.`,
        );
      }
      ref = stringifyEntityRef(parsed);
      // the caller's own view of the catalog: a dataset they cannot see cannot be rescanned
      const entity = await catalog.getEntityByRef(ref, { credentials });
      if (!entity || !isDatasetEntity(entity)) {
        throw new NotFoundError(`No dataset ${ref} in the catalog.`);
      }
      location = entity.spec.location;
      await catalog.refreshEntity(ref, {
        credentials: await auth.getOwnServiceCredentials(),
      });
    }
    const event: DatasetRescanEvent = {
      action: 'rescan',
      ...(location ? { location } : {}),
      requestedBy: actor,
    };
    await events.publish({
      topic: KAML_D_DATASET_EVENTS_TOPIC,
      eventPayload: event,
    });
    await audit.append({
      actor,
      action: 'dataset.rescan',
      ...(ref ? { entityRef: ref } : {}),
      outcome: 'success',
      details: location ? { location } : { scope: 'all' },
    });
    logger.info(
      `${actor} asked for a rescan of ${location ?? 'every dataset folder'}`,
    );
    return {
      scope: ref ? 'dataset' : 'all',
      ...(ref ? { entityRef: ref } : {}),
      ...(location ? { location } : {}),
      requestedAt: new Date().toISOString(),
    };
  };
}
