import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import {
  KamlDBackendClient,
  DatasetPreviewResponse,
  DatasetProfileResponse,
  DatasetProfileSummaryResponse,
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
  ModelRunsResponse,
  ModelVersionListResponse,
  RegisterModelVersionRequest,
  RestoreDatasetSnapshotResponse,
  RunPastLogsResponse,
  RunPodLogResponse,
  TrainingRuntimeList,
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
  /** Requests, URLs and errors, shared with the other KAML-D clients and the scaffolder actions. */
  private readonly backend: KamlDBackendClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
    this.backend = new KamlDBackendClient(options);
  }

  async getHealth(): Promise<HealthResponse> {
    const response = await this.backend.request('/health');
    // 503 carries a degraded report; anything else that is not ok is an error
    if (response.status !== 503) await KamlDBackendClient.ensureOk(response);
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
        await KamlDBackendClient.ensureOk(response);
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
    return this.backend.getJson('/storage/summary');
  }

  async getDatasetSchema(
    dataset: DatasetName,
    snapshot?: string,
  ): Promise<DatasetSchemaResponse> {
    const query = new URLSearchParams();
    if (snapshot !== undefined) query.set('snapshot', snapshot);
    return this.backend.getJson(this.datasetPath(dataset, 'schema'), query);
  }

  async getDatasetPreview(
    dataset: DatasetName,
    limit?: number,
    snapshot?: string,
  ): Promise<DatasetPreviewResponse> {
    const query = new URLSearchParams();
    if (limit !== undefined) query.set('limit', String(limit));
    if (snapshot !== undefined) query.set('snapshot', snapshot);
    return this.backend.getJson(this.datasetPath(dataset, 'preview'), query);
  }

  async rescanDatasets(entityRef?: string): Promise<DatasetRescanResponse> {
    return this.backend.sendJson(
      'POST',
      '/datasets/rescan',
      entityRef ? { entityRef } : {},
    );
  }

  async getDatasetRowCount(
    dataset: DatasetName,
  ): Promise<DatasetRowCountResponse> {
    return this.backend.getJson(this.datasetPath(dataset, 'row-count'));
  }

  async getDatasetProfile(
    dataset: DatasetName,
    column: string,
    snapshot?: string,
  ): Promise<DatasetProfileResponse> {
    const query = new URLSearchParams({ column });
    if (snapshot !== undefined) query.set('snapshot', snapshot);
    return this.backend.getJson(this.datasetPath(dataset, 'profile'), query);
  }

  async getDatasetProfileSummary(
    dataset: DatasetName,
    page: { offset: number; limit: number; search?: string },
    snapshot?: string,
  ): Promise<DatasetProfileSummaryResponse> {
    const query = new URLSearchParams({
      offset: String(page.offset),
      limit: String(page.limit),
    });
    if (page.search) query.set('search', page.search);
    if (snapshot !== undefined) query.set('snapshot', snapshot);
    return this.backend.getJson(
      this.datasetPath(dataset, 'profile/summary'),
      query,
    );
  }

  async runQuery(sql: string, limit?: number): Promise<QueryResponse> {
    return this.backend.sendJson(
      'POST',
      '/query',
      limit === undefined ? { sql } : { sql, limit },
    );
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
    return this.backend.uploadDataset(form);
  }

  async getObservation(
    entity: ObservedEntityName,
    range: string,
  ): Promise<ObservationResponse> {
    const path = `/observation/${[entity.namespace, entity.kind, entity.name]
      .map(encodeURIComponent)
      .join('/')}`;
    return this.backend.getJson(path, new URLSearchParams({ range }));
  }

  async getSreOverview(): Promise<SreOverviewResponse> {
    return this.backend.getJson('/observation/sre');
  }

  async listDatasetSnapshots(
    dataset: DatasetName,
    options: { includeModels?: boolean } = {},
  ): Promise<DatasetSnapshotListResponse> {
    return this.backend.getJson(
      this.datasetPath(dataset, 'snapshots'),
      options.includeModels
        ? new URLSearchParams({ include: 'models' })
        : undefined,
    );
  }

  async createDatasetSnapshot(
    dataset: DatasetName,
    message: string,
  ): Promise<DatasetSnapshot> {
    return this.backend.createDatasetSnapshot(dataset, message);
  }

  async getDatasetSnapshot(
    dataset: DatasetName,
    id: string,
  ): Promise<DatasetSnapshotManifest> {
    return this.backend.getJson(
      this.datasetPath(dataset, `snapshots/${encodeURIComponent(id)}`),
    );
  }

  async diffDatasetSnapshots(
    dataset: DatasetName,
    from: string,
    to: string,
  ): Promise<DatasetSnapshotDiff> {
    return this.backend.getJson(
      this.datasetPath(dataset, 'snapshots/diff'),
      new URLSearchParams({ from, to }),
    );
  }

  async restoreDatasetSnapshot(
    dataset: DatasetName,
    id: string,
    message?: string,
    claimName?: string,
  ): Promise<RestoreDatasetSnapshotResponse> {
    return this.backend.sendJson(
      'POST',
      this.datasetPath(dataset, `snapshots/${encodeURIComponent(id)}/restore`),
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
    return this.backend.getJson(
      this.modelPath(model, 'versions'),
      options.includeDeployments
        ? new URLSearchParams({ include: 'deployments' })
        : undefined,
    );
  }

  async registerModelVersion(
    model: DatasetName,
    request: RegisterModelVersionRequest,
  ): Promise<ModelVersion> {
    return this.backend.registerModelVersion(model, request);
  }

  async compareModelVersions(
    model: DatasetName,
    versions: number[],
  ): Promise<ModelVersionComparison> {
    return this.backend.getJson(
      this.modelPath(model, 'versions/compare'),
      new URLSearchParams({ versions: versions.join(',') }),
    );
  }

  async promoteModelAlias(
    model: DatasetName,
    alias: string,
    version: number,
  ): Promise<void> {
    await this.backend.sendJson(
      'PUT',
      this.modelPath(model, `aliases/${encodeURIComponent(alias)}`),
      { version },
    );
  }

  async getModelRuns(model: DatasetName): Promise<ModelRunsResponse> {
    return this.backend.getModelRuns(model);
  }

  async getRunPodLog(
    model: DatasetName,
    pod: string,
    options?: { tailLines?: number; previous?: boolean },
  ): Promise<RunPodLogResponse> {
    return this.backend.getRunPodLog(model, pod, options);
  }

  async searchRunPastLogs(
    model: DatasetName,
    pod: string,
    options?: { container?: string; text?: string; limit?: number },
  ): Promise<RunPastLogsResponse> {
    return this.backend.searchRunPastLogs(model, pod, options);
  }

  async listTrainingRuntimes(model: DatasetName): Promise<TrainingRuntimeList> {
    return this.backend.getJson(
      `/runs/${encodeURIComponent(model.namespace)}/${encodeURIComponent(
        model.name,
      )}/training-runtimes`,
    );
  }

  private modelPath(model: DatasetName, what: string): string {
    return `/models/${encodeURIComponent(model.namespace)}/${encodeURIComponent(
      model.name,
    )}/${what}`;
  }

  private datasetPath(dataset: DatasetName, what: string): string {
    return `/datasets/${encodeURIComponent(
      dataset.namespace,
    )}/${encodeURIComponent(dataset.name)}/${what}`;
  }
}
