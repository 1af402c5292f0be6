/**
 * Request access: a user asks the owners of a dataset for a permission the policy does not give
 * them (such as previewing a dataset with a `pii` column); an owner (or an admin) approves or
 * denies; an approval is a grant that the permission policy honours until it expires.
 *
 * Routes of the KAML-D backend (`/api/kaml-d`), all for signed-in users:
 *
 * - `POST /access-requests` with a {@link CreateAccessRequestBody} → `201` and the
 *   {@link AccessRequest}. `400` when the body is invalid or the user already has every requested
 *   permission on the entity (the message says so); `404` when the entity is not in the catalog;
 *   `409` when the user already has a pending request for one of these permissions on the
 *   entity (the message names it).
 * - `GET /access-requests?scope=mine|to-decide&status=pending|approved|denied|expired` →
 *   {@link AccessRequestListResponse}, newest first. `mine`: requests the user made;
 *   `to-decide`: requests on entities the user owns (`spec.owner` is the user or one of their
 *   groups) — every request for an admin.
 * - `GET /access-requests/:id` → the {@link AccessRequest}; to its requester, the entity's
 *   owners and admins (`404` to anyone else).
 * - `POST /access-requests/:id/decision` with a {@link DecideAccessRequestBody} → `200` and the
 *   decided {@link AccessRequest}. `403` naming why when the user is neither an owner of the
 *   entity nor an admin; `409` when the request was already decided or has expired.
 *
 * The owners are notified of a new request (link to {@link ACCESS_REQUESTS_PAGE_PATH}); the
 * requester is notified of the decision. Requests and decisions are in the audit log
 * (`access.request`, `access.approve`, `access.deny`).
 *
 * @packageDocumentation
 */

import {
  datasetPreviewPermission,
  datasetQueryPermission,
} from './permissions';

/**
 * Names of the permissions that can be requested (and granted for a time) on a dataset.
 *
 * @public
 */
export const REQUESTABLE_PERMISSIONS = [
  datasetPreviewPermission.name,
  datasetQueryPermission.name,
] as const;

/**
 * A permission that can be requested: `kaml-d.dataset.preview` or `kaml-d.dataset.query`.
 *
 * @public
 */
export type RequestablePermission = (typeof REQUESTABLE_PERMISSIONS)[number];

/**
 * Shortest justification accepted, in characters (after trimming).
 *
 * @public
 */
export const ACCESS_REQUEST_MIN_JUSTIFICATION = 10;

/**
 * Longest justification accepted, in characters.
 *
 * @public
 */
export const ACCESS_REQUEST_MAX_JUSTIFICATION = 2000;

/**
 * Bounds and default of the duration of a grant, in days.
 *
 * @public
 */
export const ACCESS_GRANT_DAYS = { min: 1, max: 90, default: 30 } as const;

/**
 * Path of the portal page where owners decide on requests (the target of notifications).
 *
 * @public
 */
export const ACCESS_REQUESTS_PAGE_PATH = '/kaml-d/access-requests';

/**
 * Where a request stands. `expired`: approved, and the grant's `expiresAt` has passed (or
 * pending for longer than the grant would have lasted).
 *
 * @public
 */
export type AccessRequestStatus = 'pending' | 'approved' | 'denied' | 'expired';

/**
 * All statuses, for filters.
 *
 * @public
 */
export const ACCESS_REQUEST_STATUSES: AccessRequestStatus[] = [
  'pending',
  'approved',
  'denied',
  'expired',
];

/**
 * A request for access to an entity (a Dataset).
 *
 * @public
 */
export interface AccessRequest {
  /** Opaque id, such as `ar-20261126t110502z-3f9a1c`. */
  id: string;
  /** The entity, such as `dataset:default/customer-churn`. */
  entityRef: string;
  /** Requested permission names, such as `kaml-d.dataset.preview`. */
  permissions: RequestablePermission[];
  justification: string;
  /** User entity ref of the requester, such as `user:default/bob`. */
  requester: string;
  status: AccessRequestStatus;
  /** Requested duration of the grant, in days. */
  durationDays: number;
  /** User entity ref of who approved or denied it. */
  decidedBy?: string;
  /** ISO 8601 time of the decision. */
  decidedAt?: string;
  decisionComment?: string;
  /** ISO 8601 end of the grant (approved and expired requests). */
  expiresAt?: string;
  /** ISO 8601. */
  createdAt: string;
  /**
   * Owners of the entity when the request was made (entity refs of users or groups): who was
   * notified and who may decide.
   */
  owners: string[];
}

/**
 * Body of `POST /access-requests`.
 *
 * @public
 */
export interface CreateAccessRequestBody {
  /** The entity, such as `dataset:default/customer-churn`. */
  entityRef: string;
  /** One or more of {@link REQUESTABLE_PERMISSIONS}. */
  permissions: RequestablePermission[];
  /** Why access is needed: at least {@link ACCESS_REQUEST_MIN_JUSTIFICATION} characters. */
  justification: string;
  /** How long the grant should last once approved: 1 to 90 days (default 30). */
  durationDays?: number;
}

/**
 * Body of `POST /access-requests/:id/decision`.
 *
 * @public
 */
export interface DecideAccessRequestBody {
  decision: 'approve' | 'deny';
  /** Shown to the requester; at most {@link ACCESS_REQUEST_MAX_JUSTIFICATION} characters. */
  comment?: string;
}

/**
 * Which requests `GET /access-requests` lists.
 *
 * @public
 */
export type AccessRequestScope = 'mine' | 'to-decide';

/**
 * Answer of `GET /access-requests?scope=&status=`.
 *
 * @public
 */
export interface AccessRequestListResponse {
  items: AccessRequest[];
}

/**
 * Names of the KAML-D permission rules on catalog entities, evaluated by the KAML-D backend
 * (plugin id `kaml-d`) when the permission policy answers with a conditional decision.
 *
 * - `IS_ENTITY_OWNER` `{ claims: string[] }`: `spec.owner` is one of the claims.
 * - `HAS_SPEC` `{ key: string, value?: string }`: the catalog rule of the same name.
 * - `HAS_ACCESS_GRANT` `{ userEntityRef: string, permission: string }`: an approved request
 *   grants that user that permission on the entity, and it has not expired.
 * - `IS_IN_PROJECT` `{ projects: string[] }`: the entity's `kaml-d.io/project` annotation, or
 *   else its `spec.system`, is one of the projects.
 *
 * @public
 */
export const KAML_D_RULES = {
  isEntityOwner: 'IS_ENTITY_OWNER',
  hasSpec: 'HAS_SPEC',
  hasAccessGrant: 'HAS_ACCESS_GRANT',
  isInProject: 'IS_IN_PROJECT',
} as const;

/**
 * Annotation naming the project of an entity for the `IS_IN_PROJECT` rule (otherwise its
 * `spec.system` is its project).
 *
 * @public
 */
export const ANNOTATION_KAML_D_PROJECT = 'kaml-d.io/project';

/**
 * Plugin id that evaluates the {@link KAML_D_RULES}.
 *
 * @public
 */
export const KAML_D_PERMISSION_PLUGIN_ID = 'kaml-d';

/**
 * A time-boxed grant: what an approved {@link AccessRequest} gives its requester.
 *
 * @public
 */
export interface AccessGrant {
  /** The request that created it. */
  requestId: string;
  entityRef: string;
  /** User entity ref of the grantee. */
  grantee: string;
  /** Permission name, such as `kaml-d.dataset.preview`. */
  permission: string;
  /** ISO 8601; the grant no longer counts from this time on. */
  expiresAt: string;
}

/**
 * Parameters of the `HAS_ACCESS_GRANT` rule.
 *
 * @public
 */
export type HasAccessGrantParams = {
  userEntityRef: string;
  permission: string;
};

/**
 * Whether one of the grants (of one entity) gives the user the permission at `now`: the
 * `HAS_ACCESS_GRANT` rule. Entity refs compare case-insensitively, like the catalog's.
 *
 * @public
 */
export function hasActiveAccessGrant(
  grants: AccessGrant[],
  params: HasAccessGrantParams,
  now: Date,
): boolean {
  const user = params.userEntityRef.toLocaleLowerCase('en-US');
  return grants.some(
    grant =>
      grant.grantee.toLocaleLowerCase('en-US') === user &&
      grant.permission === params.permission &&
      Date.parse(grant.expiresAt) > now.getTime(),
  );
}

/**
 * Parameters of the `IS_IN_PROJECT` rule.
 *
 * @public
 */
export type IsInProjectParams = {
  /** Project names (`kaml-d.io/project` values, or system names / refs). */
  projects: string[];
};

/**
 * The project of an entity: its `kaml-d.io/project` annotation, else its `spec.system` (a
 * system name or `system:namespace/name` reference, reduced to the name), lower-cased.
 *
 * @public
 */
export function projectOfEntity(entity: {
  metadata: { annotations?: Record<string, string> };
  spec?: unknown;
}): string | undefined {
  const annotated = entity.metadata.annotations?.[ANNOTATION_KAML_D_PROJECT];
  if (annotated && annotated.trim()) {
    return annotated.trim().toLocaleLowerCase('en-US');
  }
  const spec = entity.spec as { system?: unknown } | undefined;
  if (typeof spec?.system === 'string' && spec.system.trim()) {
    const system = spec.system.trim().toLocaleLowerCase('en-US');
    return system.slice(system.lastIndexOf('/') + 1).replace(/^system:/, '');
  }
  return undefined;
}

/**
 * Whether the entity belongs to one of the projects: the `IS_IN_PROJECT` rule.
 *
 * @public
 */
export function isEntityInProject(
  entity: Parameters<typeof projectOfEntity>[0],
  params: IsInProjectParams,
): boolean {
  const project = projectOfEntity(entity);
  if (!project) return false;
  return params.projects.some(
    p => projectOfEntity({ metadata: {}, spec: { system: p } }) === project,
  );
}
