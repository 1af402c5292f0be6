import { randomBytes } from 'node:crypto';
import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  AccessGrant,
  AccessRequest,
  AccessRequestStatus,
  ACCESS_GRANT_DAYS,
  ACCESS_REQUESTS_PAGE_PATH,
  accessDecidePermission,
  AuditAction,
  isDatasetEntity,
  kamlDPermissions,
} from '@kaml-d/plugin-kaml-d-common';
import { Knex } from 'knex';
import { isUniqueViolation } from '../../database/uniqueViolation';
import { AuditLogService } from '../Audit';
import { AccessRequestsService } from './types';

export const ACCESS_REQUESTS_TABLE = 'kaml_d_access_requests';
const DAY_MS = 24 * 60 * 60 * 1000;
/** Most requests one list answer scans. */
const LIST_LIMIT = 500;

interface AccessRequestRow {
  id: string;
  entity_ref: string;
  permissions: string;
  justification: string;
  requester: string;
  owners: string;
  status: string;
  duration_days: number;
  pending_key: string | null;
  decided_by: string | null;
  decided_at: string | number | Date | null;
  decision_comment: string | null;
  expires_at: string | number | Date;
  created_at: string | number | Date;
}

function iso(value: string | number | Date): string {
  return new Date(value).toISOString();
}

function toRequest(row: AccessRequestRow, now: Date): AccessRequest {
  const expiresAt = new Date(row.expires_at);
  let status = row.status as AccessRequestStatus;
  if (
    (status === 'pending' || status === 'approved') &&
    expiresAt.getTime() <= now.getTime()
  ) {
    status = 'expired';
  }
  return {
    id: row.id,
    entityRef: row.entity_ref,
    permissions: JSON.parse(row.permissions),
    justification: row.justification,
    requester: row.requester,
    status,
    durationDays: Number(row.duration_days),
    ...(row.decided_by ? { decidedBy: row.decided_by } : {}),
    ...(row.decided_at ? { decidedAt: iso(row.decided_at) } : {}),
    ...(row.decision_comment ? { decisionComment: row.decision_comment } : {}),
    // a pending request's expiry is when it lapses, not a grant: shown once approved
    ...(row.status !== 'pending' && row.status !== 'denied'
      ? { expiresAt: expiresAt.toISOString() }
      : {}),
    createdAt: iso(row.created_at),
    owners: JSON.parse(row.owners),
  };
}

/** Filters rows to a status, with `expired` decided by the time. */
function whereStatus(
  builder: Knex.QueryBuilder,
  status: AccessRequestStatus,
  now: Date,
) {
  if (status === 'denied') return builder.where('status', 'denied');
  if (status === 'expired') {
    return builder.where(b =>
      b
        .where('status', 'expired')
        .orWhere(live =>
          live
            .whereIn('status', ['pending', 'approved'])
            .where('expires_at', '<=', now),
        ),
    );
  }
  return builder.where('status', status).where('expires_at', '>', now);
}

function newRequestId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'z')
    .toLowerCase();
  return `ar-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Owners of an entity as entity refs: its ownedBy relations, else its spec.owner. */
export function ownersOf(entity: Entity): string[] {
  const related = (entity.relations ?? [])
    .filter(r => r.type === RELATION_OWNED_BY)
    .map(r => r.targetRef.toLocaleLowerCase('en-US'));
  if (related.length > 0) return [...new Set(related)];
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || !owner) return [];
  try {
    return [
      stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: entity.metadata.namespace ?? 'default',
        }),
      ).toLocaleLowerCase('en-US'),
    ];
  } catch {
    return [];
  }
}

function userRefOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
  };
  if (principal.type !== 'user' || !principal.userEntityRef) {
    throw new NotAllowedError(
      'Access requests are made and decided by signed-in users, not services.',
    );
  }
  return principal.userEntityRef.toLocaleLowerCase('en-US');
}

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
  const { db, catalog, permissions, audit, notifications, logger } = options;
  const now = options.now ?? (() => new Date());

  async function notify(
    what: string,
    request: AccessRequest,
    send: () => Promise<void>,
    action: AuditAction,
    actor: string,
  ) {
    try {
      await send();
    } catch (error) {
      // the request or decision stands; the failure is logged and audited
      const message = error instanceof Error ? error.message : String(error);
      logger.warn(
        `Could not notify ${what} of access request ${request.id} on ${request.entityRef}: ${message}`,
      );
      await audit
        .append({
          actor,
          action,
          entityRef: request.entityRef,
          outcome: 'failure',
          details: {
            requestId: request.id,
            failedStep: 'notification',
            recipients: what,
            error: message,
          },
        })
        .catch(auditError =>
          logger.error(
            `Could not audit the failed notification of ${request.id}: ${auditError}`,
          ),
        );
    }
  }

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

  async function loadRow(id: string) {
    return db<AccessRequestRow>(ACCESS_REQUESTS_TABLE).where({ id }).first();
  }

  return {
    async create(body, credentials) {
      const requester = userRefOf(credentials);
      let ref;
      try {
        ref = parseEntityRef(body.entityRef);
      } catch (error) {
        throw new InputError(
          `entityRef: "${body.entityRef}" is not an entity reference; use kind:namespace/name, such as dataset:default/customers.`,
        );
      }
      const entityRef = stringifyEntityRef(ref).toLocaleLowerCase('en-US');
      // read as the user: an entity they cannot see is not found
      const entity = await catalog.getEntityByRef(entityRef, { credentials });
      if (!entity) {
        throw new NotFoundError(`No entity ${entityRef} in the catalog.`);
      }
      if (!isDatasetEntity(entity)) {
        throw new InputError(
          `Access can be requested on datasets only; ${entityRef} is a ${entity.kind}.`,
        );
      }
      const requested = [...new Set(body.permissions)];
      const decisions = await permissions.authorize(
        requested.map(name => ({
          permission: PERMISSIONS_BY_NAME.get(
            name,
          ) as ResourcePermission<'catalog-entity'>,
          resourceRef: entityRef,
        })),
        { credentials },
      );
      const held = requested.filter(
        (_, i) => decisions[i].result === AuthorizeResult.ALLOW,
      );
      if (held.length === requested.length) {
        throw new InputError(
          `You already have ${held.join(
            ' and ',
          )} on ${entityRef}; there is nothing to request.`,
        );
      }
      if (held.length > 0) {
        throw new InputError(
          `You already have ${held.join(
            ' and ',
          )} on ${entityRef}; request only ${requested
            .filter(p => !held.includes(p))
            .join(' and ')}.`,
        );
      }

      const owners = ownersOf(entity);
      if (owners.length === 0) {
        throw new InputError(
          `${entityRef} has no owner to decide on a request; ask an admin to set spec.owner.`,
        );
      }
      const durationDays = body.durationDays ?? ACCESS_GRANT_DAYS.default;
      const createdAt = now();
      const pendingKey = `${requester}|${entityRef}`;
      const row: AccessRequestRow = {
        id: newRequestId(createdAt),
        entity_ref: entityRef,
        permissions: JSON.stringify(requested),
        justification: body.justification.trim(),
        requester,
        owners: JSON.stringify(owners),
        status: 'pending',
        duration_days: durationDays,
        pending_key: pendingKey,
        decided_by: null,
        decided_at: null,
        decision_comment: null,
        // an undecided request lapses after as long as the grant would have lasted
        expires_at: new Date(createdAt.getTime() + durationDays * DAY_MS),
        created_at: createdAt,
      };
      const request = toRequest(row, createdAt);
      try {
        await db.transaction(async tx => {
          // a lapsed pending request no longer blocks a new one
          await tx(ACCESS_REQUESTS_TABLE)
            .where({ pending_key: pendingKey })
            .where('expires_at', '<=', createdAt)
            .update({ status: 'expired', pending_key: null });
          await tx(ACCESS_REQUESTS_TABLE).insert(row);
          await audit.append(
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
          );
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const existing = await db<AccessRequestRow>(ACCESS_REQUESTS_TABLE)
          .where({ pending_key: pendingKey })
          .first();
        throw new ConflictError(
          `You already have a pending access request${
            existing ? ` (${existing.id})` : ''
          } on ${entityRef}; wait for its owners to decide on it.`,
        );
      }

      await notify(
        'the owners',
        request,
        () =>
          notifications.send({
            recipients: {
              type: 'entity',
              entityRef: owners,
              excludeEntityRef: requester,
            },
            payload: {
              title: `Access request for ${entityRef}`,
              description: `${requester} asks for ${requested.join(
                ', ',
              )} for ${durationDays} days: ${request.justification}`,
              link: ACCESS_REQUESTS_PAGE_PATH,
              severity: 'normal',
              topic: 'kaml-d-access-request',
              scope: `kaml-d-access-request:${request.id}`,
            },
          }),
        'access.request',
        requester,
      );
      return request;
    },

    async list(query, credentials) {
      const user = userRefOf(credentials);
      const at = now();
      const builder = db<AccessRequestRow>(ACCESS_REQUESTS_TABLE)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(LIST_LIMIT);
      if (query.status) whereStatus(builder, query.status, at);
      if (query.scope === 'mine') {
        builder.where('requester', user);
        const rows = await builder;
        return { items: rows.map(r => toRequest(r, at)) };
      }
      const rows = (await builder).filter(r => r.requester !== user);
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
      const user = userRefOf(credentials);
      const row = await loadRow(id);
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
      const user = userRefOf(credentials);
      const row = await loadRow(id);
      if (!row) throw new NotFoundError(`No access request ${id}.`);
      if (
        !(await decidable([row.entity_ref], credentials)).has(row.entity_ref)
      ) {
        throw new NotAllowedError(
          `Only the owners of ${row.entity_ref} (${JSON.parse(row.owners).join(
            ', ',
          )}) or an admin may decide on access requests to it (${
            accessDecidePermission.name
          }).`,
        );
      }
      if (row.requester === user) {
        throw new NotAllowedError(
          `You cannot decide on your own access request; another owner of ${row.entity_ref} or an admin must (${accessDecidePermission.name}).`,
        );
      }
      const decidedAt = now();
      const approve = body.decision === 'approve';
      const comment = body.comment?.trim() || null;
      const update: Partial<AccessRequestRow> = {
        status: approve ? 'approved' : 'denied',
        pending_key: null,
        decided_by: user,
        decided_at: decidedAt,
        decision_comment: comment,
        ...(approve
          ? {
              expires_at: new Date(
                decidedAt.getTime() + Number(row.duration_days) * DAY_MS,
              ),
            }
          : {}),
      };
      const decided = await db.transaction(async tx => {
        const changed = await tx(ACCESS_REQUESTS_TABLE)
          .where({ id, status: 'pending' })
          .where('expires_at', '>', decidedAt)
          .update(update);
        if (changed === 0) return undefined;
        const after = (await tx<AccessRequestRow>(ACCESS_REQUESTS_TABLE)
          .where({ id })
          .first()) as AccessRequestRow;
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
      });
      if (!decided) {
        const current = toRequest((await loadRow(id)) ?? row, decidedAt);
        throw new ConflictError(
          `Access request ${id} is ${current.status}${
            current.decidedBy ? ` (decided by ${current.decidedBy})` : ''
          }; only pending requests can be decided.`,
        );
      }

      await notify(
        'the requester',
        decided,
        () =>
          notifications.send({
            recipients: { type: 'entity', entityRef: decided.requester },
            payload: {
              title: `Access to ${decided.entityRef} ${
                approve ? 'approved' : 'denied'
              }`,
              description: approve
                ? `${user} granted ${decided.permissions.join(', ')} until ${
                    decided.expiresAt
                  }.${comment ? ` ${comment}` : ''}`
                : `${user} denied your request.${comment ? ` ${comment}` : ''}`,
              link: ACCESS_REQUESTS_PAGE_PATH,
              severity: approve ? 'normal' : 'low',
              topic: 'kaml-d-access-request',
              scope: `kaml-d-access-decision:${id}`,
            },
          }),
        approve ? 'access.approve' : 'access.deny',
        user,
      );
      return decided;
    },

    async activeGrants(entityRefs) {
      const result = new Map<string, AccessGrant[]>();
      const refs = [
        ...new Set(entityRefs.map(r => r.toLocaleLowerCase('en-US'))),
      ];
      for (const ref of refs) result.set(ref, []);
      if (refs.length === 0) return result;
      const rows = await db<AccessRequestRow>(ACCESS_REQUESTS_TABLE)
        .whereIn('entity_ref', refs)
        .where('status', 'approved')
        .where('expires_at', '>', now())
        .select('id', 'entity_ref', 'requester', 'permissions', 'expires_at');
      for (const row of rows) {
        for (const permission of JSON.parse(row.permissions) as string[]) {
          result.get(row.entity_ref)?.push({
            requestId: row.id,
            entityRef: row.entity_ref,
            grantee: row.requester,
            permission,
            expiresAt: iso(row.expires_at),
          });
        }
      }
      return result;
    },

    async markExpired() {
      return db(ACCESS_REQUESTS_TABLE)
        .whereIn('status', ['pending', 'approved'])
        .where('expires_at', '<=', now())
        .update({ status: 'expired', pending_key: null });
    },
  };
}
