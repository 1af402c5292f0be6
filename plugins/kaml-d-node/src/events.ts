import { Entity } from '@backstage/catalog-model';

/**
 * Events topic on which the KAML-D backend announces dataset changes in storage (through the
 * events service), so the catalog module's storage provider applies them as deltas at once
 * instead of waiting for its next full scan.
 *
 * @public
 */
export const KAML_D_DATASET_EVENTS_TOPIC = 'kaml-d.datasets';

/**
 * Payload of an `uploaded` event: files were stored under a dataset prefix and the Dataset entity
 * was written beside them as `catalog-info.yaml`.
 *
 * @public
 */
export interface DatasetUploadedEvent {
  action: 'uploaded';
  /** The Dataset entity of the manifest. */
  entity: Entity;
  /** `s3://bucket/prefix/` of the dataset. */
  location: string;
  bucket: string;
  /** Key of the manifest, such as `sales-2024/catalog-info.yaml`. */
  manifestKey: string;
  /** Keys (relative to the dataset) of the files of this upload. */
  keys: string[];
  /** Entity reference of the user who uploaded. */
  uploadedBy: string;
}

/**
 * Payload of a `rescan` event: someone asked discovery to look again now, at one dataset folder
 * (`location`) or, without one, at the whole store. The catalog module's storage providers apply
 * what they find as they do for changes they are told about.
 *
 * @public
 */
export interface DatasetRescanEvent {
  action: 'rescan';
  /** `s3://bucket/prefix/folder/` of one dataset; absent: every folder. */
  location?: string;
  /** Entity reference of the user who asked. */
  requestedBy: string;
}
