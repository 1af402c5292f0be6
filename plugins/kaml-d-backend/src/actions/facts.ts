import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { ActionsRegistryActionOptions } from '@backstage/backend-plugin-api/alpha';
import { isDatasetEntity } from '@kaml-d/plugin-kaml-d-common';

/*
 * Annotations KAML-D discovery writes on the Datasets it finds (the catalog module's
 * providers), read here as the Workbench table reads them.
 */
const ANNOTATION_SIZE_BYTES = 'kaml-d.io/size-bytes';
const ANNOTATION_OBJECT_COUNT = 'kaml-d.io/object-count';
const ANNOTATION_LAST_MODIFIED = 'kaml-d.io/last-modified';

/** A declared column of a Dataset entity (`spec.schema.columns`). */
export interface DeclaredColumn {
  name: string;
  type: string;
  description?: string;
  classification?: string;
}

/** What the catalog says about a dataset: the Workbench row plus its declared columns. */
export interface DatasetFacts {
  entityRef: string;
  title: string;
  description?: string;
  owner: string;
  lifecycle?: string;
  system?: string;
  format: string;
  location: string;
  tags: string[];
  columns: DeclaredColumn[];
  /** Total bytes (`spec.size.bytes`, else as discovery measured it). */
  bytes?: number;
  /** Files or objects (`spec.size.files`, else as discovery counted them). */
  files?: number;
  /** Rows or items, when declared (`spec.size.rows`). */
  rows?: number;
  /** When the data last changed (ISO 8601), as discovery wrote it. */
  modified?: string;
}

function annotatedCount(entity: Entity, key: string): number | undefined {
  const raw = entity.metadata.annotations?.[key];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

function validTime(value: string | undefined): string | undefined {
  return value && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

/** The facts of a Dataset entity; undefined for any other entity. */
export function datasetFacts(entity: Entity): DatasetFacts | undefined {
  if (!isDatasetEntity(entity)) return undefined;
  const { spec, metadata } = entity;
  const columns = (spec.schema?.columns ?? []).flatMap(column =>
    typeof column?.name === 'string'
      ? [
          {
            name: column.name,
            type: typeof column.type === 'string' ? column.type : '',
            ...(column.description ? { description: column.description } : {}),
            ...(column.classification
              ? { classification: column.classification }
              : {}),
          },
        ]
      : [],
  );
  const bytes =
    spec.size?.bytes ?? annotatedCount(entity, ANNOTATION_SIZE_BYTES);
  const files =
    spec.size?.files ?? annotatedCount(entity, ANNOTATION_OBJECT_COUNT);
  const modified = validTime(metadata.annotations?.[ANNOTATION_LAST_MODIFIED]);
  return {
    entityRef: stringifyEntityRef(entity),
    title: metadata.title ?? metadata.name,
    ...(metadata.description ? { description: metadata.description } : {}),
    owner: spec.owner,
    ...(spec.lifecycle ? { lifecycle: spec.lifecycle } : {}),
    ...(spec.system ? { system: spec.system } : {}),
    format: spec.format,
    location: spec.location,
    tags: metadata.tags ?? [],
    columns,
    ...(bytes !== undefined ? { bytes } : {}),
    ...(files !== undefined ? { files } : {}),
    ...(spec.size?.rows !== undefined ? { rows: spec.size.rows } : {}),
    ...(modified ? { modified } : {}),
  };
}

/**
 * The zod the actions registry hands to schema functions (its own copy of zod's v3 API, which
 * may be another install than this package's zod).
 */
export type Zod = Parameters<
  ActionsRegistryActionOptions<any, any>['schema']['input']
>[0];
