import { ResponseError } from '@backstage/errors';
import {
  DatasetPreviewResponse,
  DatasetProfileResponse,
  DatasetSchemaResponse,
  QueryResponse,
  StorageSummaryResponse,
} from '@kaml-d/plugin-kaml-d-common';
import { KamlDApi } from '../../api';

const STORAGE_SUMMARY: StorageSummaryResponse = {
  adapter: 'file',
  buckets: ['kaml-datasets'],
  datasets: 3,
  objects: 9,
  bytes: 61_250_000,
  capacityBytes: 1_000_000_000,
  percentUsed: 6.1,
  measuredAt: '2026-03-02T10:00:00.000Z',
};

/** A KamlDApi whose calls answer as given; the others fail saying they were not expected. */
export function mockKamlDApi(answers: Partial<KamlDApi> = {}): KamlDApi {
  const unexpected = (name: string) => async () => {
    throw new Error(`unexpected call ${name}`);
  };
  return {
    getHealth: async () => ({
      status: 'ok',
      version: '0.1.0',
      dependencies: [],
    }),
    getCatalogProblems: async () => [],
    getStorageSummary: async () => STORAGE_SUMMARY,
    getDatasetSchema: unexpected('getDatasetSchema'),
    getDatasetPreview: unexpected('getDatasetPreview'),
    getDatasetProfile: unexpected('getDatasetProfile'),
    getDatasetProfileSummary: unexpected('getDatasetProfileSummary'),
    getDatasetRowCount: unexpected('getDatasetRowCount'),
    rescanDatasets: unexpected('rescanDatasets'),
    runQuery: unexpected('runQuery'),
    uploadDataset: unexpected('uploadDataset'),
    getObservation: unexpected('getObservation'),
    getSreOverview: unexpected('getSreOverview'),
    listDatasetSnapshots: unexpected('listDatasetSnapshots'),
    createDatasetSnapshot: unexpected('createDatasetSnapshot'),
    getDatasetSnapshot: unexpected('getDatasetSnapshot'),
    diffDatasetSnapshots: unexpected('diffDatasetSnapshots'),
    restoreDatasetSnapshot: unexpected('restoreDatasetSnapshot'),
    listModelVersions: unexpected('listModelVersions'),
    registerModelVersion: unexpected('registerModelVersion'),
    compareModelVersions: unexpected('compareModelVersions'),
    promoteModelAlias: unexpected('promoteModelAlias'),
    getModelRuns: unexpected('getModelRuns'),
    getRunPodLog: unexpected('getRunPodLog'),
    searchRunPastLogs: unexpected('searchRunPastLogs'),
    listTrainingRuntimes: unexpected('listTrainingRuntimes'),
    ...answers,
  };
}

/** A promise that never settles: the view stays in its loading state. */
export function pending<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

/** The error the client throws for a refused request, with the server's message. */
export async function responseError(
  status: number,
  name: string,
  message: string,
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
      {
        status,
        statusText: status === 400 ? 'Bad Request' : 'Error',
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

/** The storage summary the mock answers by default. */
export const storageSummary = STORAGE_SUMMARY;

export const financeSchema: DatasetSchemaResponse = {
  entityRef: 'dataset:default/finance-transactions',
  engine: 'duckdb',
  columns: [
    { name: 'transaction_id', type: 'VARCHAR' },
    { name: 'card_holder', type: 'VARCHAR' },
    { name: 'email', type: 'VARCHAR' },
    { name: 'amount', type: 'DOUBLE' },
    { name: 'is_fraud', type: 'BOOLEAN' },
    { name: 'booked_at', type: 'TIMESTAMP' },
  ],
};

export const financePreview: DatasetPreviewResponse = {
  entityRef: 'dataset:default/finance-transactions',
  engine: 'duckdb',
  columns: [
    { name: 'transaction_id', type: 'VARCHAR' },
    { name: 'amount', type: 'DOUBLE' },
    { name: 'is_fraud', type: 'BOOLEAN' },
    { name: 'merchant', type: 'VARCHAR' },
  ],
  rows: [
    ['tx-0001', 42.5, false, 'Corner Bakery'],
    ['tx-0002', 1899.99, true, null],
  ],
  limit: 10,
  truncated: true,
  elapsedMs: 12,
};

export const amountProfile: DatasetProfileResponse = {
  entityRef: 'dataset:default/finance-transactions',
  engine: 'duckdb',
  column: 'amount',
  type: 'DOUBLE',
  rows: 400_000,
  nulls: 2_000,
  nullShare: 0.005,
  approxDistinct: 35_812,
  min: '0.5',
  max: '9999.99',
  topValues: [
    { value: '9.99', count: 1_204 },
    { value: '19.99', count: 880 },
  ],
  histogram: [
    { lower: 0, upper: 2500, count: 390_000 },
    { lower: 2500, upper: 5000, count: 6_000 },
    { lower: 5000, upper: 7500, count: 1_500 },
    { lower: 7500, upper: 10000, count: 500 },
  ],
};

export const queryResult: QueryResponse = {
  engine: 'duckdb',
  datasets: ['dataset:default/finance-transactions'],
  columns: [
    { name: 'merchant', type: 'VARCHAR' },
    { name: 'frauds', type: 'BIGINT' },
  ],
  rows: [
    ['Corner Bakery', 3],
    ['Night Owl Electronics', 17],
  ],
  limit: 200,
  truncated: false,
  elapsedMs: 31,
};
