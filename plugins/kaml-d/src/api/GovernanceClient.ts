import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AccessRequest,
  AccessRequestListResponse,
  AccessRequestScope,
  AccessRequestStatus,
  AuditLogResponse,
  CreateAccessRequestBody,
  DecideAccessRequestBody,
} from '@kaml-d/plugin-kaml-d-common';
import {
  AuditLogFilters,
  AuditLogPageRequest,
  KamlDGovernanceApi,
} from './GovernanceApi';

/** Query string of the audit filters; empty values are left out. */
export function auditQuery(request: AuditLogPageRequest): URLSearchParams {
  const query = new URLSearchParams();
  const keys: (keyof AuditLogPageRequest)[] = [
    'actor',
    'action',
    'entityRef',
    'since',
    'until',
    'limit',
    'before',
  ];
  for (const key of keys) {
    const value = request[key];
    if (value !== undefined && value !== '') query.set(key, String(value));
  }
  return query;
}

/**
 * Talks to the governance routes of the KAML-D backend through the app's discovery and
 * (authenticated) fetch APIs.
 *
 * @public
 */
export class KamlDGovernanceClient implements KamlDGovernanceApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getAuditLog(request: AuditLogPageRequest): Promise<AuditLogResponse> {
    const response = await this.fetchApi.fetch(
      await this.url('/audit', auditQuery(request)),
    );
    return this.json(response);
  }

  async exportAuditLog(filters: AuditLogFilters): Promise<Blob> {
    const { actor, action, entityRef, since, until } = filters;
    const response = await this.fetchApi.fetch(
      await this.url(
        '/audit/export',
        auditQuery({ actor, action, entityRef, since, until }),
      ),
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return new Blob([await response.text()], {
      type: 'application/x-ndjson',
    });
  }

  async createAccessRequest(
    body: CreateAccessRequestBody,
  ): Promise<AccessRequest> {
    const response = await this.fetchApi.fetch(
      await this.url('/access-requests'),
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      },
    );
    return this.json(response);
  }

  async listAccessRequests(
    scope: AccessRequestScope,
    status?: AccessRequestStatus,
  ): Promise<AccessRequestListResponse> {
    const query = new URLSearchParams({ scope });
    if (status) query.set('status', status);
    const response = await this.fetchApi.fetch(
      await this.url('/access-requests', query),
    );
    return this.json(response);
  }

  async decideAccessRequest(
    id: string,
    body: DecideAccessRequestBody,
  ): Promise<AccessRequest> {
    const response = await this.fetchApi.fetch(
      await this.url(`/access-requests/${encodeURIComponent(id)}/decision`),
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      },
    );
    return this.json(response);
  }

  private async json<T>(response: Response): Promise<T> {
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  private async url(path: string, query?: URLSearchParams): Promise<string> {
    const base = await this.discoveryApi.getBaseUrl('kaml-d');
    const qs = query && [...query.keys()].length ? `?${query}` : '';
    return `${base}${path}${qs}`;
  }
}
