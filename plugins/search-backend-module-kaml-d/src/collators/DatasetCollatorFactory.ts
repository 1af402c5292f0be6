import { AuthService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import { Readable } from 'node:stream';
import { catalogEntitiesOfKind } from './catalogPages';

/**
 * Document type (index name) of datasets.
 *
 * @public
 */
export const DATASET_DOCUMENT_TYPE = 'kaml-d-dataset';
/**
 * Entities fetched per catalog request while collating.
 *
 * @public
 */
export const DEFAULT_COLLATOR_BATCH_SIZE = 500;

/**
 * A Dataset in the search index.
 *
 * @public
 */
export interface DatasetDocument extends IndexableDocument {
  kind: 'Dataset';
  /** `spec.type` or `other`, as in the catalog's document this one replaces. */
  type: string;
  componentType: string;
  namespace: string;
  name: string;
  owner: string;
  lifecycle: string;
  tags: string[];
  format: string;
  /** Total size in bytes when known (`spec.size.bytes`), else 0. */
  size: number;
  /** `name type` of every declared column, comma-separated: `email varchar, amount double`. */
  columns: string;
  /** Where the data lives (`spec.location`). */
  dataLocation: string;
}

interface Column {
  name: string;
  type: string;
  description?: string;
}

function columnsOf(entity: Entity): Column[] {
  const schema = entity.spec?.schema;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    return [];
  const columns = (schema as { columns?: unknown }).columns;
  if (!Array.isArray(columns)) return [];
  return columns.flatMap(column => {
    if (typeof column !== 'object' || column === null) return [];
    const { name, type, description } = column as Record<string, unknown>;
    if (typeof name !== 'string') return [];
    return [
      {
        name,
        type: typeof type === 'string' ? type : '',
        description: typeof description === 'string' ? description : undefined,
      },
    ];
  });
}

function stringField(entity: Entity, field: string): string {
  const value = entity.spec?.[field];
  return typeof value === 'string' ? value : '';
}

function sizeOf(entity: Entity): number {
  const size = entity.spec?.size;
  if (typeof size !== 'object' || size === null || Array.isArray(size))
    return 0;
  const bytes = (size as { bytes?: unknown }).bytes;
  return typeof bytes === 'number' && Number.isFinite(bytes) ? bytes : 0;
}

/**
 * The search document of a Dataset entity: its text holds the description, every column (name,
 * type and description) and the tags, so a search for a column name finds the dataset.
 *
 * @public
 */
export function datasetDocument(entity: Entity): DatasetDocument {
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const tags = entity.metadata.tags ?? [];
  const columns = columnsOf(entity);
  const format = stringField(entity, 'format');
  const text = [
    entity.metadata.description ?? '',
    columns
      .map(c => [c.name, c.type, c.description].filter(Boolean).join(' '))
      .join('\n'),
    tags.join(' '),
    format,
  ]
    .filter(Boolean)
    .join('\n');
  return {
    title: entity.metadata.title ?? name,
    text,
    location: `/catalog/${encodeURIComponent(
      namespace,
    )}/dataset/${encodeURIComponent(name)}`,
    kind: 'Dataset',
    type: stringField(entity, 'type') || 'other',
    componentType: stringField(entity, 'type') || 'other',
    namespace,
    name,
    owner: stringField(entity, 'owner'),
    lifecycle: stringField(entity, 'lifecycle'),
    tags,
    format,
    size: sizeOf(entity),
    columns: columns.map(c => `${c.name} ${c.type}`.trim()).join(', '),
    dataLocation: stringField(entity, 'location'),
    authorization: {
      resourceRef: stringifyEntityRef(entity),
    },
  };
}

/**
 * Options of {@link DatasetCollatorFactory.create}.
 *
 * @public
 */
export interface DatasetCollatorFactoryOptions {
  catalog: CatalogService;
  auth: AuthService;
  batchSize?: number;
}

/**
 * Collates the catalog's Dataset entities into {@link DatasetDocument}s (type
 * `kaml-d-dataset`). Results are filtered by `catalog.entity.read` like catalog documents.
 *
 * @public
 */
export class DatasetCollatorFactory implements DocumentCollatorFactory {
  readonly type = DATASET_DOCUMENT_TYPE;
  readonly visibilityPermission = catalogEntityReadPermission;

  static create(
    options: DatasetCollatorFactoryOptions,
  ): DatasetCollatorFactory {
    return new DatasetCollatorFactory(options);
  }

  private constructor(
    private readonly options: DatasetCollatorFactoryOptions,
  ) {}

  async getCollator(): Promise<Readable> {
    return Readable.from(this.documents());
  }

  /** Pages through every Dataset entity with the plugin's own credentials. */
  async *documents(): AsyncGenerator<DatasetDocument> {
    const { catalog, auth } = this.options;
    for await (const entity of catalogEntitiesOfKind({
      catalog,
      auth,
      kind: 'Dataset',
      limit: this.options.batchSize ?? DEFAULT_COLLATOR_BATCH_SIZE,
    })) {
      yield datasetDocument(entity);
    }
  }
}
