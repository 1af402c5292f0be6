import {
  AppendAuditEventRequest,
  AuditAction,
  AuditEvent,
  AuditLogResponse,
} from '@kaml-d/plugin-kaml-d-common';
import { Knex } from 'knex';

/** Filters of the audit log, all optional and combined with AND. */
export interface AuditQuery {
  actor?: string;
  action?: AuditAction;
  entityRef?: string;
  /** ISO 8601 lower bound (inclusive). */
  since?: string;
  /** ISO 8601 upper bound (exclusive). */
  until?: string;
  /** Page size (1–500, default 100). */
  limit?: number;
  /** Id of the last event of the previous page. */
  before?: number;
}

/** The audit log: every mutation of KAML-D, in the plugin database. */
export interface AuditLogService {
  /**
   * Appends one event. Pass the transaction of the mutation when there is one, so the event is
   * written if and only if the mutation commits.
   */
  append(event: AppendAuditEventRequest, tx?: Knex): Promise<AuditEvent>;
  list(query: AuditQuery): Promise<AuditLogResponse>;
  /** Every matching event, oldest first, page by page (for JSON lines export). */
  export(query: Omit<AuditQuery, 'limit' | 'before'>): AsyncIterable<AuditEvent>;
}
