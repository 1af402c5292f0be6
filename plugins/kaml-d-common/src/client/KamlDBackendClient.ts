import { ResponseError } from '@backstage/errors';
import type { DatasetUploadResponse } from '../api';
import type { RegisterDatasetRequest } from '../datasetRegistration';
import type {
  ModelVersion,
  RegisterModelVersionRequest,
} from '../modelVersions';
import type {
  ModelRunsResponse,
  RunPastLogsResponse,
  RunPodLogResponse,
} from '../runs';
import type { DatasetSnapshot } from '../versioning';

/**
 * What the client needs to reach the KAML-D backend. The portal passes its `discoveryApi` and
 * (authenticated) `fetchApi`; a backend module passes its discovery service and a fetch that
 * adds a token for the `kaml-d` plugin.
 *
 * @public
 */
export interface KamlDBackendClientOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi: { fetch: typeof fetch };
}

/**
 * A catalog entity addressed by namespace and name (a Dataset or a Model).
 *
 * @public
 */
export interface KamlDEntityName {
  namespace: string;
  name: string;
}

const part = encodeURIComponent;

/** `/<what>/:namespace/:name` of a catalog entity, with both segments encoded. */
function entityPath(what: string, entity: KamlDEntityName): string {
  return `/${what}/${part(entity.namespace)}/${part(entity.name)}`;
}

/**
 * Talks to the KAML-D backend (`/api/kaml-d`) from the portal and from backend modules alike:
 * builds URLs through discovery, sends JSON or multipart bodies, and turns a refused call into
 * a `ResponseError` carrying the backend's status and error body. The typed methods are the
 * routes more than one caller uses; callers build their own on `getJson`, `sendJson`, and
 * `request`.
 *
 * @public
 */
export class KamlDBackendClient {
  private readonly discoveryApi: KamlDBackendClientOptions['discoveryApi'];
  private readonly fetchApi: KamlDBackendClientOptions['fetchApi'];

  constructor(options: KamlDBackendClientOptions) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  /** The backend URL of `path` (below `/api/kaml-d`, segments already encoded) with a query. */
  async url(path: string, query?: URLSearchParams): Promise<string> {
    const base = await this.discoveryApi.getBaseUrl('kaml-d');
    const qs = query && [...query.keys()].length ? `?${query}` : '';
    return `${base}${path}${qs}`;
  }

  /** Sends one request and returns the response as it is, also when it is not ok. */
  async request(
    path: string,
    init?: RequestInit & { query?: URLSearchParams },
  ): Promise<Response> {
    const { query, ...rest } = init ?? {};
    const url = await this.url(path, query);
    return Object.keys(rest).length
      ? this.fetchApi.fetch(url, rest)
      : this.fetchApi.fetch(url);
  }

  /** Throws a `ResponseError` (status, the backend's error body) unless the response is ok. */
  static async ensureOk(response: Response): Promise<Response> {
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response;
  }

  /** `GET path?query`, parsed. */
  async getJson<T>(path: string, query?: URLSearchParams): Promise<T> {
    const response = await this.request(path, { query });
    await KamlDBackendClient.ensureOk(response);
    return (await response.json()) as T;
  }

  /** `GET path?query` as text. */
  async getText(path: string, query?: URLSearchParams): Promise<string> {
    const response = await this.request(path, { query });
    await KamlDBackendClient.ensureOk(response);
    return response.text();
  }

  /** A JSON body sent with `method`, the answer parsed (undefined for 204 No Content). */
  async sendJson<T>(method: string, path: string, body: unknown): Promise<T> {
    const response = await this.request(path, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    await KamlDBackendClient.ensureOk(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** A multipart body POSTed; fetch sets the content type with its boundary itself. */
  async postForm<T>(path: string, form: FormData): Promise<T> {
    const response = await this.request(path, { method: 'POST', body: form });
    await KamlDBackendClient.ensureOk(response);
    return (await response.json()) as T;
  }

  /** Stores files (the form fields first, then `files`) as a new dataset. */
  uploadDataset(form: FormData): Promise<DatasetUploadResponse> {
    return this.postForm('/datasets/upload', form);
  }

  /** Registers a folder already in storage as a Dataset (users only). */
  registerDataset(
    request: RegisterDatasetRequest,
  ): Promise<DatasetUploadResponse> {
    return this.sendJson('POST', '/datasets/register', request);
  }

  /** Freezes the dataset's current objects as a new snapshot. */
  createDatasetSnapshot(
    dataset: KamlDEntityName,
    message: string,
  ): Promise<DatasetSnapshot> {
    return this.sendJson(
      'POST',
      `${entityPath('datasets', dataset)}/snapshots`,
      {
        message,
      },
    );
  }

  /** Registers the next version of a model. */
  registerModelVersion(
    model: KamlDEntityName,
    request: RegisterModelVersionRequest,
  ): Promise<ModelVersion> {
    return this.sendJson(
      'POST',
      `${entityPath('models', model)}/versions`,
      request,
    );
  }

  /** The model's training runs and serving deployments (the Runs and Deployments tabs). */
  getModelRuns(model: KamlDEntityName): Promise<ModelRunsResponse> {
    return this.getJson(entityPath('runs', model));
  }

  /** The log tail of one pod of one of the model's runs. */
  getRunPodLog(
    model: KamlDEntityName,
    pod: string,
    options: { tailLines?: number; previous?: boolean } = {},
  ): Promise<RunPodLogResponse> {
    const query = new URLSearchParams();
    if (options.tailLines !== undefined)
      query.set('tailLines', String(options.tailLines));
    if (options.previous) query.set('previous', 'true');
    return this.getJson(
      `${entityPath('runs', model)}/pods/${part(pod)}/logs`,
      query,
    );
  }

  /** Lines of a (finished or deleted) pod of the model's runs, from the log store. */
  searchRunPastLogs(
    model: KamlDEntityName,
    pod: string,
    options: { container?: string; text?: string; limit?: number } = {},
  ): Promise<RunPastLogsResponse> {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.container) query.set('container', options.container);
    if (options.text) query.set('q', options.text);
    return this.getJson(
      `${entityPath('runs', model)}/pods/${part(pod)}/past-logs`,
      query,
    );
  }
}
