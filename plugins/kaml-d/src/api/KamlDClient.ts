import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { HealthResponse } from '@kaml-d/plugin-kaml-d-common';
import { KamlDApi } from './KamlDApi';

/**
 * Talks to the KAML-D backend through the app's discovery and (authenticated) fetch APIs.
 *
 * @public
 */
export class KamlDClient implements KamlDApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getHealth(): Promise<HealthResponse> {
    const response = await this.fetchApi.fetch(await this.url('/health'));
    // 503 carries a degraded report; anything else that is not ok is an error
    if (!response.ok && response.status !== 503) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as HealthResponse;
  }

  private async url(path: string, query?: URLSearchParams): Promise<string> {
    const base = await this.discoveryApi.getBaseUrl('kaml-d');
    const qs = query && [...query.keys()].length ? `?${query}` : '';
    return `${base}${path}${qs}`;
  }
}
