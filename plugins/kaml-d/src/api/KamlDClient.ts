import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  DatasetPreviewResponse,
  DatasetProfileResponse,
  DatasetRescanResponse,
  DatasetRowCountResponse,
  DatasetSchemaResponse,
  DatasetUploadResponse,
  HealthResponse,
  ObservationResponse,
  SreOverviewResponse,
  QueryResponse,
  StorageSummaryResponse,
  DatasetSnapshot,
  DatasetSnapshotDiff,
  DatasetSnapshotListResponse,
  DatasetSnapshotManifest,
  ModelVersion,
  ModelVersionComparison,
  ModelVersionListResponse,
  RegisterModelVersionRequest,
  RestoreDatasetSnapshotResponse,
} from '@kaml-d/plugin-kaml-d-common';
import {
  CatalogProblem,
  DatasetName,
  DatasetUploadRequest,
  KamlDApi,
  ObservedEntityName,
} from './KamlDApi';

/** One row of the catalog's unprocessed-entities answer (the fields this client reads). */
interface UnprocessedEntityRow {
  entity_ref?: string | null;
  location_key?: string | null;
  unprocessed_entity?: {
    kind?: string;
    metadata?: {
      name?: string;
      namespace?: string;
      annotations?: Record<string, string>;
    };
  };
  errors?: Array<{ name?: string; message?: string }>;
}

/** The row's entity reference; the catalog's answer leaves `entity_ref` empty for never-stored entities. */
function entityRefOf(row: UnprocessedEntityRow): string | undefined {
  const entity = row.unprocessed_entity;
  if (entity?.kind && entity.metadata?.name) {
    const namespace = entity.metadata.namespace ?? 'default';
    return `${entity.kind.toLocaleLowerCase('en-US')}:${namespace}/${
      entity.metadata.name
    }`;
  }
  return row.entity_ref ?? undefined;
}

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

  async getCatalogProblems(): Promise<CatalogProblem[]> {
    const base = await this.discoveryApi.getBaseUrl('catalog');
    // an entity that was never valid waits under "pending"; one that broke later under "failed"
    const answers = await Promise.all(
      ['pending', 'failed'].map(async reason => {
        const response = await this.fetchApi.fetch(
          `${base}/entities/unprocessed/${reason}`,
        );
        if (!response.ok) {
          throw await ResponseError.fromResponse(response);
        }
        return ((await response.json()) as { entities: UnprocessedEntityRow[] })
          .entities;
      }),
    );
    const seen = new Set<string>();
    const problems: CatalogProblem[] = [];
    for (const row of answers.flat()) {
      const messages = (row.errors ?? []).map(
        e => e.message ?? e.name ?? 'unknown error',
      );
      const entityRef = entityRefOf(row);
      if (!entityRef || messages.length === 0 || seen.has(entityRef)) continue;
      seen.add(entityRef);
      problems.push({
        entityRef,
        kind: row.unprocessed_entity?.kind ?? entityRef.split(':')[0],
        location:
          row.unprocessed_entity?.metadata?.annotations?.[
            'backstage.io/managed-by-location'
          ] ??
          row.location_key ??
          undefined,
        messages,
      });
    }
    return problems;
  }

  async getStorageSummary(): Promise<StorageSummaryResponse> {
    return this.getJson(await this.url('/storage/summary'));
  }

  async getDatasetSchema(
    dataset: DatasetName,
    snapshot?: string,
  ): Promise<DatasetSchemaResponse> {
    const query = new URLSearchParams();
    if (snapshot !== undefined) query.set('snapshot', snapshot);
    return this.getJson(
      await this.url(this.datasetPath(dataset, 'schema'), query),
    );
  }

  async getDatasetPreview(
    dataset: DatasetName,
    limit?: number,
    snapshot?: string,
  ): Promise<DatasetPreviewResponse> {
    const query = new URLSearchParams();
    if (limit !== undefined) query.set('limit', String(limit));
    if (snapshot !== undefined) query.set('snapshot', snapshot);
    return this.getJson(
      await this.url(this.datasetPath(dataset, 'preview'), query),
    );
  }

  async rescanDatasets(entityRef?: string): Promise<DatasetRescanResponse> {
    const response = await this.fetchApi.fetch(
      await this.url('/datasets/rescan'),
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(entityRef ? { entityRef } : {}),
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as DatasetRescanResponse;
  }

  async getDatasetRowCount(
    dataset: DatasetName,
  ): Promise<DatasetRowCountResponse> {
    return this.getJson(await this.url(this.datasetPath(dataset, 'row-count')));
  }

  async getDatasetProfile(
    dataset: DatasetName,
    column: string,
    snapshot?: string,
  ): Promise<DatasetProfileResponse> {
    const query = new URLSearchParams({ column });
    if (snapshot !== undefined) query.set('snapshot', snapshot);
    return this.getJson(
      await this.url(this.datasetPath(dataset, 'profile'), query),
    );
  }

  async runQuery(sql: string, limit?: number): Promise<QueryResponse> {
    const response = await this.fetchApi.fetch(await this.url('/query'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(limit === undefined ? { sql } : { sql, limit }),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as QueryResponse;
  }

  async uploadDataset(
    request: DatasetUploadRequest,
  ): Promise<DatasetUploadResponse> {
    // the server reads the fields before the first file: append them first
    const form = new FormData();
    form.append('name', request.name);
    if (request.format) form.append('format', request.format);
    if (request.owner) form.append('owner', request.owner);
    if (request.description) form.append('description', request.description);
    if (request.tags?.length) form.append('tags', request.tags.join(','));
    if (request.system) form.append('system', request.system);
    for (const file of request.files) {
      form.append('files', file, file.name);
    }
    const response = await this.fetchApi.fetch(
      await this.url('/datasets/upload'),
      { method: 'POST', body: form },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as DatasetUploadResponse;
  }

  async getObservation(
    entity: ObservedEntityName,
    range: string,
  ): Promise<ObservationResponse> {
    const path = `/observation/${[entity.namespace, entity.kind, entity.name]
      .map(encodeURIComponent)
      .join('/')}`;
    return this.getJson(await this.url(path, new URLSearchParams({ range })));
  }

  async getSreOverview(): Promise<SreOverviewResponse> {
    return this.getJson(await this.url('/observation/sre'));
  }

  async listDatasetSnapshots(
    dataset: DatasetName,
    options: { includeModels?: boolean } = {},
  ): Promise<DatasetSnapshotListResponse> {
    return this.getJson(
      await this.url(
        this.datasetPath(dataset, 'snapshots'),
        options.includeModels
          ? new URLSearchParams({ include: 'models' })
          : undefined,
      ),
    );
  }

  async createDatasetSnapshot(
    dataset: DatasetName,
    message: string,
  ): Promise<DatasetSnapshot> {
    return this.sendJson(
      'POST',
      await this.url(this.datasetPath(dataset, 'snapshots')),
      {
        message,
      },
    );
  }

  async getDatasetSnapshot(
    dataset: DatasetName,
    id: string,
  ): Promise<DatasetSnapshotManifest> {
    return this.getJson(
      await this.url(
        this.datasetPath(dataset, `snapshots/${encodeURIComponent(id)}`),
      ),
    );
  }

  async diffDatasetSnapshots(
    dataset: DatasetName,
    from: string,
    to: string,
  ): Promise<DatasetSnapshotDiff> {
    return this.getJson(
      await this.url(
        this.datasetPath(dataset, 'snapshots/diff'),
        new URLSearchParams({ from, to }),
      ),
    );
  }

  async restoreDatasetSnapshot(
    dataset: DatasetName,
    id: string,
    message?: string,
    claimName?: string,
  ): Promise<RestoreDatasetSnapshotResponse> {
    return this.sendJson(
      'POST',
      await this.url(
        this.datasetPath(
          dataset,
          `snapshots/${encodeURIComponent(id)}/restore`,
        ),
      ),
      {
        ...(message ? { message } : {}),
        ...(claimName ? { claimName } : {}),
      },
    );
  }

  async listModelVersions(
    model: DatasetName,
    options: { includeDeployments?: boolean } = {},
  ): Promise<ModelVersionListResponse> {
    return this.getJson(
      await this.url(
        this.modelPath(model, 'versions'),
        options.includeDeployments
          ? new URLSearchParams({ include: 'deployments' })
          : undefined,
      ),
    );
  }

  async registerModelVersion(
    model: DatasetName,
    request: RegisterModelVersionRequest,
  ): Promise<ModelVersion> {
    return this.sendJson(
      'POST',
      await this.url(this.modelPath(model, 'versions')),
      request,
    );
  }

  async compareModelVersions(
    model: DatasetName,
    versions: number[],
  ): Promise<ModelVersionComparison> {
    return this.getJson(
      await this.url(
        this.modelPath(model, 'versions/compare'),
        new URLSearchParams({ versions: versions.join(',') }),
      ),
    );
  }

  async promoteModelAlias(
    model: DatasetName,
    alias: string,
    version: number,
  ): Promise<void> {
    await this.sendJson(
      'PUT',
      await this.url(
        this.modelPath(model, `aliases/${encodeURIComponent(alias)}`),
      ),
      { version },
    );
  }

  private modelPath(model: DatasetName, what: string): string {
    return `/models/${encodeURIComponent(model.namespace)}/${encodeURIComponent(
      model.name,
    )}/${what}`;
  }

  private async sendJson<T>(
    method: string,
    url: string,
    body: unknown,
  ): Promise<T> {
    const response = await this.fetchApi.fetch(url, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  private datasetPath(dataset: DatasetName, what: string): string {
    return `/datasets/${encodeURIComponent(
      dataset.namespace,
    )}/${encodeURIComponent(dataset.name)}/${what}`;
  }

  private async getJson<T>(url: string): Promise<T> {
    const response = await this.fetchApi.fetch(url);
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
