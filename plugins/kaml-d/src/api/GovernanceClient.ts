import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import {
  AccessRequest,
  AccessRequestListResponse,
  AccessRequestScope,
  AccessRequestStatus,
  AuditLogResponse,
  CreateAccessRequestBody,
  DecideAccessRequestBody,
  KamlDBackendClient,
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
  private readonly backend: KamlDBackendClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.backend = new KamlDBackendClient(options);
  }

  async getAuditLog(request: AuditLogPageRequest): Promise<AuditLogResponse> {
    return this.backend.getJson('/audit', auditQuery(request));
  }

  async exportAuditLog(filters: AuditLogFilters): Promise<Blob> {
    const { actor, action, entityRef, since, until } = filters;
    const text = await this.backend.getText(
      '/audit/export',
      auditQuery({ actor, action, entityRef, since, until }),
    );
    return new Blob([text], { type: 'application/x-ndjson' });
  }

  async createAccessRequest(
    body: CreateAccessRequestBody,
  ): Promise<AccessRequest> {
    return this.backend.sendJson('POST', '/access-requests', body);
  }

  async listAccessRequests(
    scope: AccessRequestScope,
    status?: AccessRequestStatus,
  ): Promise<AccessRequestListResponse> {
    const query = new URLSearchParams({ scope });
    if (status) query.set('status', status);
    return this.backend.getJson('/access-requests', query);
  }

  async decideAccessRequest(
    id: string,
    body: DecideAccessRequestBody,
  ): Promise<AccessRequest> {
    return this.backend.sendJson(
      'POST',
      `/access-requests/${encodeURIComponent(id)}/decision`,
      body,
    );
  }
}
