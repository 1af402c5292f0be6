import { AuditAction, AuditEvent } from '@kaml-d/plugin-kaml-d-common';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import { AuditLogService, AuditQuery } from './types';

export const AUDIT_TABLE = 'kaml_d_audit_log';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;
const EXPORT_PAGE = 1000;

interface AuditRow {
  id: number;
  at: string | Date;
  actor: string;
  action: string;
  entity_ref: string | null;
  outcome: string;
  details: string;
}

function toEvent(row: AuditRow): AuditEvent {
  let details: JsonObject = {};
  try {
    details = JSON.parse(row.details);
  } catch {
    details = { unparsable: row.details };
  }
  return {
    id: Number(row.id),
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: row.action as AuditAction,
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
    outcome: row.outcome === 'failure' ? 'failure' : 'success',
    details,
  };
}

function applyFilters(
  builder: Knex.QueryBuilder,
  query: Omit<AuditQuery, 'limit'>,
): Knex.QueryBuilder {
  // knex binds every value: nothing the caller typed reaches the SQL text
  if (query.actor) builder.where('actor', query.actor);
  if (query.action) builder.where('action', query.action);
  if (query.entityRef) builder.where('entity_ref', query.entityRef);
  if (query.since) builder.where('at', '>=', new Date(query.since));
  if (query.until) builder.where('at', '<', new Date(query.until));
  return builder;
}

/** Creates the audit log over the plugin database. */
export function createAuditLogService(options: {
  db: Knex;
  now?: () => Date;
}): AuditLogService {
  const { db } = options;
  const now = options.now ?? (() => new Date());

  return {
    async append(event, tx) {
      const at = now();
      const row = {
        at,
        actor: event.actor,
        action: event.action,
        entity_ref: event.entityRef ?? null,
        outcome: event.outcome,
        details: JSON.stringify(event.details ?? {}),
      };
      const [inserted] = await (tx ?? db)(AUDIT_TABLE).insert(row, ['id']);
      const id = typeof inserted === 'object' ? inserted.id : inserted;
      return toEvent({ ...row, id, at });
    },

    async list(query) {
      const limit = Math.min(Math.max(query.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
      const builder = applyFilters(db<AuditRow>(AUDIT_TABLE), query);
      if (query.before !== undefined) builder.where('id', '<', query.before);
      const rows: AuditRow[] = await builder
        .orderBy('id', 'desc')
        .limit(limit + 1);
      const items = rows.slice(0, limit).map(toEvent);
      return rows.length > limit
        ? { items, nextBefore: items[items.length - 1].id }
        : { items };
    },

    async *export(query) {
      let after = 0;
      for (;;) {
        const rows: AuditRow[] = await applyFilters(
          db<AuditRow>(AUDIT_TABLE),
          query,
        )
          .where('id', '>', after)
          .orderBy('id', 'asc')
          .limit(EXPORT_PAGE);
        for (const row of rows) yield toEvent(row);
        if (rows.length < EXPORT_PAGE) return;
        after = Number(rows[rows.length - 1].id);
      }
    },
  };
}
