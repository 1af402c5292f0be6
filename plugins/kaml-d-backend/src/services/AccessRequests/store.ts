import { AccessRequestStatus } from '@kaml-d/plugin-kaml-d-common';
import { Knex } from 'knex';
import { AccessRequestRow, GrantRow } from './accessRequestRows';

export const ACCESS_REQUESTS_TABLE = 'kaml_d_access_requests';
/** Most requests one list answer scans. */
const LIST_LIMIT = 500;

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

/** The queries of the access requests table; nothing here decides who may do what. */
export function createAccessRequestsStore(db: Knex) {
  const table = (conn: Knex = db) =>
    conn<AccessRequestRow>(ACCESS_REQUESTS_TABLE);
  return {
    async get(id: string): Promise<AccessRequestRow | undefined> {
      return table().where({ id }).first();
    },

    async pendingByKey(
      pendingKey: string,
    ): Promise<AccessRequestRow | undefined> {
      return table().where({ pending_key: pendingKey }).first();
    },

    /**
     * Inserts a pending request in one transaction with `alsoInTransaction` (the audit event),
     * after expiring the user's lapsed pending request on the entity so it no longer blocks the
     * new one. Rejects with the database's unique violation when a live one exists.
     */
    async insertPending(
      row: AccessRequestRow,
      alsoInTransaction: (tx: Knex.Transaction) => Promise<unknown>,
    ): Promise<void> {
      await db.transaction(async tx => {
        // a lapsed pending request no longer blocks a new one
        await tx(ACCESS_REQUESTS_TABLE)
          .where({ pending_key: row.pending_key })
          .where('expires_at', '<=', row.created_at)
          .update({ status: 'expired', pending_key: null });
        await tx(ACCESS_REQUESTS_TABLE).insert(row);
        await alsoInTransaction(tx);
      });
    },

    /** Newest first, at most LIST_LIMIT; of one requester when given. */
    async list(query: {
      status?: AccessRequestStatus;
      requester?: string;
      at: Date;
    }): Promise<AccessRequestRow[]> {
      const builder = table()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(LIST_LIMIT);
      if (query.status) whereStatus(builder, query.status, query.at);
      if (query.requester !== undefined) {
        builder.where('requester', query.requester);
      }
      return builder;
    },

    /**
     * Applies a decision to the request if it is still pending and unexpired at `at`, then runs
     * `afterInTransaction` with the updated row in the same transaction. Undefined when the
     * request was no longer pending.
     */
    async decide<T>(
      id: string,
      update: Partial<AccessRequestRow>,
      at: Date,
      afterInTransaction: (
        tx: Knex.Transaction,
        after: AccessRequestRow,
      ) => Promise<T>,
    ): Promise<T | undefined> {
      return db.transaction(async tx => {
        const changed = await tx(ACCESS_REQUESTS_TABLE)
          .where({ id, status: 'pending' })
          .where('expires_at', '>', at)
          .update(update);
        if (changed === 0) return undefined;
        const after = (await tx<AccessRequestRow>(ACCESS_REQUESTS_TABLE)
          .where({ id })
          .first()) as AccessRequestRow;
        return afterInTransaction(tx, after);
      });
    },

    /** Approved, unexpired requests on these entity refs. */
    async approvedOn(refs: string[], at: Date): Promise<GrantRow[]> {
      return table()
        .whereIn('entity_ref', refs)
        .where('status', 'approved')
        .where('expires_at', '>', at)
        .select('id', 'entity_ref', 'requester', 'permissions', 'expires_at');
    },

    /** Marks pending and approved requests past their expiry as expired; returns how many. */
    async markExpired(at: Date): Promise<number> {
      return db(ACCESS_REQUESTS_TABLE)
        .whereIn('status', ['pending', 'approved'])
        .where('expires_at', '<=', at)
        .update({ status: 'expired', pending_key: null });
    },
  };
}

/** The access requests store. */
export type AccessRequestsStore = ReturnType<typeof createAccessRequestsStore>;
