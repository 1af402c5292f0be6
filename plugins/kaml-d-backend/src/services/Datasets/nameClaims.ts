import { parseEntityRef } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../database/uniqueViolation';

/** Table of the claims (migration `20261205010000_dataset_claims`). */
export const DATASET_CLAIMS_TABLE = 'kaml_d_dataset_claims';
/** A `creating` claim whose heartbeat is older than this was left by a process that died. */
export const CLAIM_STALE_MS = 5 * 60 * 1000;
/** How often the holder of a `creating` claim shows it is still alive. */
export const CLAIM_HEARTBEAT_MS = 30 * 1000;
/** Attempts at a claim whose row changes under it (released or taken over meanwhile). */
const MAX_CLAIM_ATTEMPTS = 5;

type ClaimState = 'creating' | 'created' | 'abandoned';

interface ClaimRow {
  location: string;
  entity_ref: string;
  owner: string;
  claimed_by: string;
  action: string;
  state: ClaimState;
  token: string;
  claimed_at: Date | string | number;
  heartbeat_at: Date | string | number;
}

/** A request that is about to create a dataset: write the manifest of its folder. */
export interface DatasetClaimRequest {
  /** `s3://<bucket>/<folder>/` */
  location: string;
  /** The Dataset the manifest will describe, `dataset:default/<name>`. */
  entityRef: string;
  /** The owner the manifest will name. */
  owner: string;
  /** Who asks (a user entity ref). */
  actor: string;
  action: 'upload' | 'registration';
  /** Whether the caller may act for `owner`: is it, belongs to it, or is an admin. */
  mayActFor(owner: string): Promise<boolean>;
}

/** A claim held by one request; exactly one of its three ends is called. */
export interface DatasetClaim {
  /** The manifest is written: the name stays with the owner (`created`). */
  complete(): Promise<void>;
  /** Nothing was left behind: the name is as free as it was before this claim. */
  release(): Promise<void>;
  /** Files could not be removed: the name stays with the owner (`abandoned`). */
  abandon(): Promise<void>;
}

/**
 * Claims of dataset names and folders in the database, so that two requests cannot both create
 * the same dataset: the first to insert its row holds the folder and the entity name (unique keys,
 * on every replica); any other gets a {@link ConflictError} naming who holds it, before it has
 * written anything. A request of the same owner (or an admin) may take over a claim that is not
 * being created right now.
 */
export interface DatasetNameClaims {
  claim(request: DatasetClaimRequest): Promise<DatasetClaim>;
}

function time(value: Date | string | number): Date {
  return new Date(value);
}

/** Creates the {@link DatasetNameClaims} over the plugin database. */
export function createDatasetNameClaims(options: {
  db: Knex;
  logger?: LoggerService;
  /** The clock (tests); the heartbeat timer runs on real time. */
  now?: () => Date;
}): DatasetNameClaims {
  const { db, logger } = options;
  const now = options.now ?? (() => new Date());
  const table = () => db<ClaimRow>(DATASET_CLAIMS_TABLE);

  function isLive(row: ClaimRow): boolean {
    return (
      row.state === 'creating' &&
      now().getTime() - time(row.heartbeat_at).getTime() < CLAIM_STALE_MS
    );
  }

  function conflict(request: DatasetClaimRequest, row: ClaimRow): never {
    const name = parseEntityRef(request.entityRef).name;
    const where = `${row.entity_ref} at ${row.location} (owner ${row.owner})`;
    if (isLive(row)) {
      throw new ConflictError(
        `The name "${name}" was just taken by ${row.claimed_by}: ${
          row.action === 'upload' ? 'an upload' : 'a registration'
        } of theirs is creating ${where} right now. Choose another name, or once it is done ask ${
          row.owner
        } for write access (kaml-d.dataset.write) on ${
          row.entity_ref
        }. Nothing was written.`,
      );
    }
    const how =
      row.state === 'created' ? 'was created' : 'holds files left unfinished';
    throw new ConflictError(
      `The name "${name}" belongs to ${row.owner}: ${where} ${how} by ${
        row.claimed_by
      }'s ${row.action} of ${time(
        row.claimed_at,
      ).toISOString()}. Choose another name, or ask ${
        row.owner
      } for write access (kaml-d.dataset.write) on ${
        row.entity_ref
      }. Nothing was written.`,
    );
  }

  /** The handle of a row this request holds; `previous` is what a take-over replaced. */
  function held(row: ClaimRow, previous?: ClaimRow): DatasetClaim {
    const mine = () =>
      table().where({ location: row.location, token: row.token });
    const heartbeat = setInterval(() => {
      mine()
        .update({ heartbeat_at: now() })
        .catch(error =>
          logger?.warn(
            `Could not renew the claim of ${row.location}: ${error}`,
          ),
        );
    }, CLAIM_HEARTBEAT_MS);
    heartbeat.unref();
    let ended = false;
    const end = async (change: () => Promise<unknown>) => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      await change();
    };
    return {
      complete: () => end(() => mine().update({ state: 'created' })),
      abandon: () => end(() => mine().update({ state: 'abandoned' })),
      release: () =>
        end(() => (previous ? mine().update(previous) : mine().delete())),
    };
  }

  return {
    async claim(request) {
      for (let attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt++) {
        const row: ClaimRow = {
          location: request.location,
          entity_ref: request.entityRef,
          owner: request.owner,
          claimed_by: request.actor,
          action: request.action,
          state: 'creating',
          token: randomUUID(),
          claimed_at: now(),
          heartbeat_at: now(),
        };
        try {
          await table().insert(row);
          return held(row);
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
        const rows = await table()
          .where({ location: request.location })
          .orWhere({ entity_ref: request.entityRef });
        const other = rows.find(
          r =>
            r.location !== request.location ||
            r.entity_ref !== request.entityRef,
        );
        if (other) conflict(request, other);
        const [existing] = rows;
        if (!existing) continue; // released meanwhile: insert again
        if (isLive(existing) || !(await request.mayActFor(existing.owner))) {
          conflict(request, existing);
        }
        // the owner (or an admin) takes over a name that nobody is creating right now
        const taken = await table()
          .where({ location: existing.location, token: existing.token })
          .update(row);
        if (taken === 1) return held(row, existing);
      }
      throw new ConflictError(
        `The name "${
          parseEntityRef(request.entityRef).name
        }" is being claimed by other requests right now; try again, nothing was written.`,
      );
    },
  };
}
