import { Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { isDatasetEntity } from '@kaml-d/plugin-kaml-d-common';

/**
 * When the data of a Dataset last changed (ISO 8601), as discovery writes it. Hand-written
 * entities usually lack it.
 */
export const ANNOTATION_LAST_MODIFIED = 'kaml-d.io/last-modified';
/** Total bytes of a Dataset as discovery measured it, when `spec.size.bytes` is not set. */
export const ANNOTATION_SIZE_BYTES = 'kaml-d.io/size-bytes';

/** One row of the Workbench's datasets table. */
export interface DatasetRow {
  entityRef: string;
  name: string;
  title: string;
  summary?: string;
  tags: string[];
  format: string;
  /** Owner as written, without the default kind and namespace: `data-science`. */
  owner: string;
  /** System (project) name, when the dataset belongs to one. */
  project?: string;
  modified?: string;
  bytes?: number;
}

function shortRef(ref: string, defaultKind: string): string {
  try {
    const parsed = parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' });
    const kind = parsed.kind.toLocaleLowerCase('en-US') === defaultKind ? '' : `${parsed.kind}:`;
    const namespace = parsed.namespace === 'default' ? '' : `${parsed.namespace}/`;
    return `${kind}${namespace}${parsed.name}`;
  } catch {
    return ref;
  }
}

function validTime(value?: string): string | undefined {
  return value && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

function bytesOf(entity: Entity, specBytes?: number): number | undefined {
  if (typeof specBytes === 'number') return specBytes;
  const annotated = Number(entity.metadata.annotations?.[ANNOTATION_SIZE_BYTES]);
  return Number.isFinite(annotated) && annotated >= 0 ? annotated : undefined;
}

/** The table rows of the catalog's Dataset entities (other kinds are skipped). */
export function datasetRows(entities: Entity[]): DatasetRow[] {
  return entities.filter(isDatasetEntity).map(entity => ({
    entityRef: stringifyEntityRef(entity),
    name: entity.metadata.name,
    title: entity.metadata.title ?? entity.metadata.name,
    summary: entity.metadata.description,
    tags: entity.metadata.tags ?? [],
    format: entity.spec.format,
    owner: shortRef(entity.spec.owner, 'group'),
    project: entity.spec.system ? shortRef(entity.spec.system, 'system') : undefined,
    modified: validTime(entity.metadata.annotations?.[ANNOTATION_LAST_MODIFIED]),
    bytes: bytesOf(entity, entity.spec.size?.bytes),
  }));
}

/** What the table is filtered by; `undefined` lets every dataset through. */
export interface DatasetFilters {
  tag?: string;
  format?: string;
  owner?: string;
  project?: string;
}

/** The rows that pass every filter. */
export function filterRows(rows: DatasetRow[], filters: DatasetFilters): DatasetRow[] {
  return rows.filter(
    row =>
      (!filters.tag || row.tags.includes(filters.tag)) &&
      (!filters.format || row.format === filters.format) &&
      (!filters.owner || row.owner === filters.owner) &&
      (!filters.project || row.project === filters.project),
  );
}

/** The distinct values of one field over the rows, sorted. */
export function distinct(rows: DatasetRow[], pick: (row: DatasetRow) => string[]): string[] {
  return [...new Set(rows.flatMap(pick))].sort((a, b) => a.localeCompare(b));
}

/** Projects with their dataset counts, by name. */
export function projectCounts(rows: DatasetRow[]): Array<{ project: string; count: number }> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    if (row.project) counts.set(row.project, (counts.get(row.project) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([project, count]) => ({ project, count }))
    .sort((a, b) => a.project.localeCompare(b.project));
}
