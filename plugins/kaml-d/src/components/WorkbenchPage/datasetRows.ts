import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_KAML_D_LAST_MODIFIED,
  ANNOTATION_KAML_D_SIZE_BYTES,
} from '@kaml-d/plugin-kaml-d-common';

/**
 * When the data of a Dataset last changed (ISO 8601), as discovery writes it. Hand-written
 * entities usually lack it.
 */
export const ANNOTATION_LAST_MODIFIED = ANNOTATION_KAML_D_LAST_MODIFIED;
/** Total bytes of a Dataset as discovery measured it, when `spec.size.bytes` is not set. */
export const ANNOTATION_SIZE_BYTES = ANNOTATION_KAML_D_SIZE_BYTES;

/**
 * The entity fields the datasets table shows: the catalog sends only these (`fields` of
 * `queryEntities`), not the whole entity with its schema and relations.
 */
export const DATASET_ROW_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.title',
  'metadata.description',
  'metadata.tags',
  `metadata.annotations.${ANNOTATION_LAST_MODIFIED}`,
  `metadata.annotations.${ANNOTATION_SIZE_BYTES}`,
  'spec.size.bytes',
];

/** One row of the Workbench's datasets table. */
export interface DatasetRow {
  entityRef: string;
  title: string;
  summary?: string;
  tags: string[];
  modified?: string;
  bytes?: number;
}

function validTime(value?: string): string | undefined {
  return value && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

function bytesOf(entity: Entity): number | undefined {
  const specBytes = (entity.spec?.size as { bytes?: unknown } | undefined)
    ?.bytes;
  if (typeof specBytes === 'number') return specBytes;
  const annotated = Number(
    entity.metadata.annotations?.[ANNOTATION_SIZE_BYTES] ?? NaN,
  );
  return Number.isFinite(annotated) && annotated >= 0 ? annotated : undefined;
}

/**
 * The table rows of Dataset entities, whole or cut down to {@link DATASET_ROW_FIELDS}.
 */
export function datasetRows(entities: Entity[]): DatasetRow[] {
  return entities.map(entity => ({
    entityRef: stringifyEntityRef(entity),
    title: entity.metadata.title ?? entity.metadata.name,
    summary: entity.metadata.description,
    tags: entity.metadata.tags ?? [],
    modified: validTime(
      entity.metadata.annotations?.[ANNOTATION_LAST_MODIFIED],
    ),
    bytes: bytesOf(entity),
  }));
}
