import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ACCESS_GRANT_DAYS,
  accessDecidePermission,
  kamlDPermissions,
} from '@kaml-d/plugin-kaml-d-common';
import { Knex } from 'knex';
import { isUniqueViolation } from '../../database/uniqueViolation';
import { AuditLogService } from '../Audit';
import {
  decisionUpdate,
  grantsByEntity,
  pendingRow,
  toRequest,
} from './accessRequestRows';
import { createAccessRequestNotifier } from './notifier';
import {
  alreadyDecided,
  alreadyPending,
  checkMayDecide,
  checkNothingHeld,
  checkRequestable,
  decidersOf,
  requestedEntityRef,
  requesterOf,
} from './rules';
import { createAccessRequestsStore } from './store';
import { AccessRequestsService } from './types';

const PERMISSIONS_BY_NAME = new Map(kamlDPermissions.map(p => [p.name, p]));

/** Builds the access requests service over the plugin database. */
export function createAccessRequestsService(options: {
  db: Knex;
  catalog: CatalogService;
  permissions: PermissionsService;
  audit: AuditLogService;
  notifications: NotificationService;
  logger: LoggerService;
  /** Clock of every expiry check (tests move it). */
  now?: () => Date;
}): AccessRequestsService {
  const { catalog, permissions, audit } = options;
  const now = options.now ?? (() => new Date());
  const store = createAccessRequestsStore(options.db);
  const notify = createAccessRequestNotifier(options);

  /** Which of the entity refs the user may decide on (`kaml-d.access.decide`). */
  async function decidable(
    entityRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const unique = [...new Set(entityRefs)];
    if (unique.length === 0) return new Set();
    const decisions = await permissions.authorize(
      unique.map(resourceRef => ({
        permission: accessDecidePermission,
        resourceRef,
      })),
      { credentials },
    );
    return new Set(
      unique.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW),
    );
  }

  /** Which of the requested permissions the user already holds on the entity. */
  async function held(
    requested: string[],
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<string[]> {
    const decisions = await permissions.authorize(
      requested.map(name => ({
        permission: PERMISSIONS_BY_NAME.get(
          name,
        ) as ResourcePermission<'catalog-entity'>,
        resourceRef: entityRef,
      })),
      { credentials },
    );
    return requested.filter(
      (_, i) => decisions[i].result === AuthorizeResult.ALLOW,
    );
  }

  return {
    async create(body, credentials) {
      const requester = requesterOf(credentials);
      const entityRef = requestedEntityRef(body.entityRef);
      // read as the user: an entity they cannot see is not found
      const entity = await catalog.getEntityByRef(entityRef, { credentials });
      checkRequestable(entityRef, entity);
      const requested = [...new Set(body.permissions)];
      checkNothingHeld(
        entityRef,
        requested,
        await held(requested, entityRef, credentials),
      );
      const owners = decidersOf(entityRef, entity);
      const durationDays = body.durationDays ?? ACCESS_GRANT_DAYS.default;
      const createdAt = now();
      const row = pendingRow({
        entityRef,
        permissions: requested,
        justification: body.justification,
        requester,
        owners,
        durationDays,
        createdAt,
      });
      const request = toRequest(row, createdAt);
      try {
        await store.insertPending(row, tx =>
          audit.append(
            {
              actor: requester,
              action: 'access.request',
              entityRef,
              outcome: 'success',
              details: {
                requestId: request.id,
                permissions: requested,
                durationDays,
                justification: request.justification,
              },
            },
            tx,
          ),
        );
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const existing = await store.pendingByKey(row.pending_key as string);
        throw alreadyPending(entityRef, existing);
      }
      await notify.requested(request, owners);
      return request;
    },

    async list(query, credentials) {
      const user = requesterOf(credentials);
      const at = now();
      if (query.scope === 'mine') {
        const rows = await store.list({
          status: query.status,
          requester: user,
          at,
        });
        return { items: rows.map(r => toRequest(r, at)) };
      }
      const rows = (await store.list({ status: query.status, at })).filter(
        r => r.requester !== user,
      );
      const allowed = await decidable(
        rows.map(r => r.entity_ref),
        credentials,
      );
      return {
        items: rows
          .filter(r => allowed.has(r.entity_ref))
          .map(r => toRequest(r, at)),
      };
    },

    async get(id, credentials) {
      const user = requesterOf(credentials);
      const row = await store.get(id);
      if (
        !row ||
        (row.requester !== user &&
          !(await decidable([row.entity_ref], credentials)).has(row.entity_ref))
      ) {
        throw new NotFoundError(`No access request ${id}.`);
      }
      return toRequest(row, now());
    },

    async decide(id, body, credentials) {
      const user = requesterOf(credentials);
      const row = await store.get(id);
      if (!row) throw new NotFoundError(`No access request ${id}.`);
      checkMayDecide(
        row,
        user,
        (await decidable([row.entity_ref], credentials)).has(row.entity_ref),
      );
      const decision = {
        approve: body.decision === 'approve',
        decidedBy: user,
        decidedAt: now(),
        comment: body.comment?.trim() || null,
      };
      const { approve, decidedAt, comment } = decision;
      const decided = await store.decide(
        id,
        decisionUpdate(row, decision),
        decidedAt,
        async (tx, after) => {
          const request = toRequest(after, decidedAt);
          await audit.append(
            {
              actor: user,
              action: approve ? 'access.approve' : 'access.deny',
              entityRef: row.entity_ref,
              outcome: 'success',
              details: {
                requestId: id,
                requester: row.requester,
                permissions: request.permissions,
                ...(request.expiresAt ? { expiresAt: request.expiresAt } : {}),
                ...(comment ? { comment } : {}),
              },
            },
            tx,
          );
          return request;
        },
      );
      if (!decided) {
        throw alreadyDecided(
          id,
          toRequest((await store.get(id)) ?? row, decidedAt),
        );
      }
      await notify.decided(id, decided, decision);
      return decided;
    },

    async activeGrants(entityRefs) {
      const refs = [
        ...new Set(entityRefs.map(r => r.toLocaleLowerCase('en-US'))),
      ];
      if (refs.length === 0) return grantsByEntity(refs, []);
      return grantsByEntity(refs, await store.approvedOn(refs, now()));
    },

    async markExpired() {
      return store.markExpired(now());
    },
  };
}
