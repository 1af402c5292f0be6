import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  NotebookServersResponse,
  OpenNotebookResponse,
} from '@kaml-d/plugin-kaml-d-common';
import { DatasetName } from './KamlDApi';
import { KamlDNotebooksApi } from './NotebooksApi';

const part = encodeURIComponent;

/**
 * Talks to the notebook routes of the KAML-D backend; a 404 of the server list means the
 * backend has no notebooks configured (the routes are left out).
 *
 * @public
 */
export class KamlDNotebooksClient implements KamlDNotebooksApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;
  private enabled?: Promise<boolean>;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getServers(): Promise<NotebookServersResponse | undefined> {
    const response = await this.fetchApi.fetch(
      await this.url('/notebooks/servers'),
    );
    if (response.status === 404) return undefined;
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as NotebookServersResponse;
  }

  async stopServer(server: string): Promise<NotebookServersResponse> {
    const response = await this.fetchApi.fetch(
      await this.url(
        server ? `/notebooks/servers/${part(server)}` : '/notebooks/server',
      ),
      { method: 'DELETE' },
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as NotebookServersResponse;
  }

  isEnabled(): Promise<boolean> {
    this.enabled ??= this.getServers().then(
      servers => servers !== undefined,
      // the hub is down or refuses: the routes exist, the button says what happens
      () => true,
    );
    return this.enabled;
  }

  async openDataset(
    dataset: DatasetName,
    snapshot?: string,
  ): Promise<OpenNotebookResponse> {
    return this.post(
      `/datasets/${part(dataset.namespace)}/${part(dataset.name)}/notebook`,
      snapshot ? { snapshot } : {},
    );
  }

  async openModelVersion(
    model: DatasetName,
    version: number,
    dataset?: string,
  ): Promise<OpenNotebookResponse> {
    return this.post(
      `/models/${part(model.namespace)}/${part(model.name)}/versions/${part(
        String(version),
      )}/notebook`,
      dataset ? { dataset } : {},
    );
  }

  private async post<T>(path: string, body: object): Promise<T> {
    const response = await this.fetchApi.fetch(await this.url(path), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }

  private async url(path: string): Promise<string> {
    return `${await this.discoveryApi.getBaseUrl('kaml-d')}${path}`;
  }
}
