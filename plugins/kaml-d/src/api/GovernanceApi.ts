import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  AccessRequest,
  AccessRequestListResponse,
  AccessRequestScope,
  AccessRequestStatus,
  AuditAction,
  AuditLogResponse,
  CreateAccessRequestBody,
  DecideAccessRequestBody,
} from '@kaml-d/plugin-kaml-d-common';

/**
 * Filters of the audit log, all optional and combined with AND.
 *
 * @public
 */
export interface AuditLogFilters {
  /** User entity ref, such as `user:default/bob`. */
  actor?: string;
  action?: AuditAction;
  /** Entity acted on, such as `dataset:default/finance-transactions`. */
  entityRef?: string;
  /** ISO 8601 lower bound (inclusive). */
  since?: string;
  /** ISO 8601 upper bound (exclusive). */
  until?: string;
}

/**
 * One page of the audit log: the filters, a page size and where the previous page ended.
 *
 * @public
 */
export interface AuditLogPageRequest extends AuditLogFilters {
  /** Page size, 1–500. */
  limit?: number;
  /** `nextBefore` of the previous page. */
  before?: number;
}

/**
 * Client of the KAML-D governance routes: the audit log and access requests.
 *
 * @public
 */
export interface KamlDGovernanceApi {
  /** One page of the audit log, newest first (needs `kaml-d.audit.read`). */
  getAuditLog(request: AuditLogPageRequest): Promise<AuditLogResponse>;
  /** Every matching audit event as JSON lines, oldest first (needs `kaml-d.audit.read`). */
  exportAuditLog(filters: AuditLogFilters): Promise<Blob>;
  /** Asks the owners of an entity for a permission the policy does not give the user. */
  createAccessRequest(body: CreateAccessRequestBody): Promise<AccessRequest>;
  /** The user's own requests (`mine`) or those the user may decide on (`to-decide`). */
  listAccessRequests(
    scope: AccessRequestScope,
    status?: AccessRequestStatus,
  ): Promise<AccessRequestListResponse>;
  /** Approves or denies a pending request (owners of the entity and admins). */
  decideAccessRequest(
    id: string,
    body: DecideAccessRequestBody,
  ): Promise<AccessRequest>;
}

/** @public */
export const kamlDGovernanceApiRef = createApiRef<KamlDGovernanceApi>({
  id: 'plugin.kaml-d.governance',
});
