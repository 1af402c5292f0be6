import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  AccessGrant,
  AccessRequest,
  AccessRequestListResponse,
  AccessRequestScope,
  AccessRequestStatus,
  CreateAccessRequestBody,
  DecideAccessRequestBody,
} from '@kaml-d/plugin-kaml-d-common';

/**
 * Requests for access to datasets, their decisions and the time-boxed grants they create. State
 * lives in the plugin database so every replica agrees; expiry is decided by comparing
 * `expiresAt` with the time of each check.
 */
export interface AccessRequestsService {
  /**
   * Records a request by the signed-in user and notifies the entity's owners. Throws
   * `InputError` (invalid, or already permitted), `NotFoundError` (no such entity),
   * `ConflictError` (a pending request of the user on the entity exists).
   */
  create(
    body: CreateAccessRequestBody,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest>;

  /** Requests the user made (`mine`) or may decide on (`to-decide`), newest first. */
  list(
    query: { scope: AccessRequestScope; status?: AccessRequestStatus },
    credentials: BackstageCredentials,
  ): Promise<AccessRequestListResponse>;

  /** One request, to its requester and to whoever may decide on it; `NotFoundError` otherwise. */
  get(id: string, credentials: BackstageCredentials): Promise<AccessRequest>;

  /**
   * Approves or denies a pending request and notifies the requester. `NotAllowedError` unless
   * the user holds `kaml-d.access.decide` on the entity (owners and admins), `ConflictError`
   * when it was already decided or has expired.
   */
  decide(
    id: string,
    body: DecideAccessRequestBody,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest>;

  /** Unexpired grants on these entities (for the `HAS_ACCESS_GRANT` rule). */
  activeGrants(entityRefs: string[]): Promise<Map<string, AccessGrant[]>>;

  /** Marks requests whose `expiresAt` has passed as `expired`; returns how many. */
  markExpired(): Promise<number>;
}
