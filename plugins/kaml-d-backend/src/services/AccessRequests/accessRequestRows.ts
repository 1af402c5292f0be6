import { randomBytes } from 'node:crypto';
import {
  AccessGrant,
  AccessRequest,
  AccessRequestStatus,
} from '@kaml-d/plugin-kaml-d-common';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** One access request as stored in the plugin database. */
export interface AccessRequestRow {
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

/** The columns of an approved request a grant is made of. */
export type GrantRow = Pick<
  AccessRequestRow,
  'id' | 'entity_ref' | 'requester' | 'permissions' | 'expires_at'
>;

function iso(value: string | number | Date): string {
  return new Date(value).toISOString();
}

/** A stored request as answered at `now`: a pending or approved one past its expiry is expired. */
export function toRequest(row: AccessRequestRow, now: Date): AccessRequest {
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

/** A request id that sorts by creation time: `ar-20260101t120000z-1a2b3c`. */
export function newRequestId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'z')
    .toLowerCase();
  return `ar-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** What identifies the one pending request a user may have on an entity. */
export function pendingKeyOf(requester: string, entityRef: string): string {
  return `${requester}|${entityRef}`;
}

/** The row of a new pending request; undecided, it lapses after as long as the grant would last. */
export function pendingRow(request: {
  entityRef: string;
  permissions: string[];
  justification: string;
  requester: string;
  owners: string[];
  durationDays: number;
  createdAt: Date;
}): AccessRequestRow {
  const { createdAt, durationDays } = request;
  return {
    id: newRequestId(createdAt),
    entity_ref: request.entityRef,
    permissions: JSON.stringify(request.permissions),
    justification: request.justification.trim(),
    requester: request.requester,
    owners: JSON.stringify(request.owners),
    status: 'pending',
    duration_days: durationDays,
    pending_key: pendingKeyOf(request.requester, request.entityRef),
    decided_by: null,
    decided_at: null,
    decision_comment: null,
    expires_at: new Date(createdAt.getTime() + durationDays * DAY_MS),
    created_at: createdAt,
  };
}

/** The columns a decision sets: an approval's grant lasts the requested days from the decision. */
export function decisionUpdate(
  row: AccessRequestRow,
  decision: {
    approve: boolean;
    decidedBy: string;
    decidedAt: Date;
    comment: string | null;
  },
): Partial<AccessRequestRow> {
  const { approve, decidedAt } = decision;
  return {
    status: approve ? 'approved' : 'denied',
    pending_key: null,
    decided_by: decision.decidedBy,
    decided_at: decidedAt,
    decision_comment: decision.comment,
    ...(approve
      ? {
          expires_at: new Date(
            decidedAt.getTime() + Number(row.duration_days) * DAY_MS,
          ),
        }
      : {}),
  };
}

/** One grant per permission of each approved row, by entity ref (every ref asked for present). */
export function grantsByEntity(
  refs: string[],
  rows: GrantRow[],
): Map<string, AccessGrant[]> {
  const result = new Map<string, AccessGrant[]>();
  for (const ref of refs) result.set(ref, []);
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
}
