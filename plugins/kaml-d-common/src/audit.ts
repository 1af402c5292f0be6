import { JsonObject } from '@backstage/types';

/* Wire types of the KAML-D audit log. */

/**
 * What the audit log records.
 *
 * @public
 */
export type AuditAction =
  | 'dataset.upload'
  | 'dataset.register'
  | 'dataset.rescan'
  | 'dataset.snapshot.create'
  | 'dataset.snapshot.restore'
  | 'dataset.snapshot.delete'
  | 'model.version.register'
  | 'model.version.promote'
  | 'model.train'
  | 'model.deploy'
  | 'access.request'
  | 'access.approve'
  | 'access.deny';

/**
 * One audit log entry.
 *
 * @public
 */
export interface AuditEvent {
  id: number;
  /** ISO 8601. */
  at: string;
  /** User entity ref, or `service:<subject>` for a backend plugin. */
  actor: string;
  action: AuditAction;
  /** The entity acted on, when there is one. */
  entityRef?: string;
  outcome: 'success' | 'failure';
  /** What was done: ids, versions, messages; never secrets. */
  details: JsonObject;
}

/**
 * Answer of `GET /audit?actor=&action=&entityRef=&since=&until=&limit=&before=` (newest first;
 * `before` is the id of the last event of the previous page). `GET /audit/export` takes the same
 * filters and answers JSON lines (`application/x-ndjson`), one {@link AuditEvent} per line.
 *
 * @public
 */
export interface AuditLogResponse {
  items: AuditEvent[];
  /** Pass as `before` to read the next page; absent on the last page. */
  nextBefore?: number;
}

/**
 * Body of `POST /audit/events`: lets other KAML-D backend plugins (the scaffolder actions) append
 * to the audit log. Only service credentials may call it; the actor is given by the caller.
 *
 * @public
 */
export interface AppendAuditEventRequest {
  actor: string;
  action: AuditAction;
  entityRef?: string;
  outcome: 'success' | 'failure';
  details?: JsonObject;
}
