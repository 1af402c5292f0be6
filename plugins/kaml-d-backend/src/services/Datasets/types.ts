import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  DatasetDownloadResponse,
  DatasetObjectsResponse,
  DatasetPreviewResponse,
  DatasetProfileResponse,
  DatasetProfileSummaryResponse,
  DatasetRescanResponse,
  DatasetRowCountResponse,
  DatasetSchemaResponse,
  DatasetUploadResponse,
  QueryResponse,
} from '@kaml-d/plugin-kaml-d-common';
import { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { SummaryPage } from './profileSummary';

/** A multipart/form-data request body with its headers. */
export interface MultipartBody {
  headers: IncomingHttpHeaders;
  body: Readable;
}

/**
 * The Metadata Hub: datasets read through the catalog and the caller's permissions, their data
 * through the storage service and the query engines.
 */
export interface DatasetsService {
  /** `snapshot`: read that snapshot of the dataset instead of its current objects. */
  schema(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
    snapshot?: string,
  ): Promise<DatasetSchemaResponse>;
  preview(
    ref: CompoundEntityRef,
    limit: number | undefined,
    credentials: BackstageCredentials,
    snapshot?: string,
  ): Promise<DatasetPreviewResponse>;
  /** The exact number of rows of a tabular dataset (as it is now). */
  rowCount(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<DatasetRowCountResponse>;
  profile(
    ref: CompoundEntityRef,
    column: string,
    credentials: BackstageCredentials,
    snapshot?: string,
  ): Promise<DatasetProfileResponse>;
  /** The figures of one page of the columns (those whose name contains `page.search`). */
  profileSummary(
    ref: CompoundEntityRef,
    page: SummaryPage,
    credentials: BackstageCredentials,
    snapshot?: string,
  ): Promise<DatasetProfileSummaryResponse>;
  /** Datasets are named `"name"`, `"namespace/name"`, or with `@<snapshot id>` for a snapshot. */
  query(
    sql: string,
    limit: number | undefined,
    credentials: BackstageCredentials,
  ): Promise<QueryResponse>;
  listObjects(
    ref: CompoundEntityRef,
    folder: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<DatasetObjectsResponse>;
  downloadLink(
    ref: CompoundEntityRef,
    key: string,
    credentials: BackstageCredentials,
  ): Promise<DatasetDownloadResponse>;
  /** Asks discovery to look again at one dataset's folder (`entityRef`) or at every folder. */
  rescan(
    entityRef: string | undefined,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<DatasetRescanResponse>;
  upload(
    request: MultipartBody,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<DatasetUploadResponse>;
}
