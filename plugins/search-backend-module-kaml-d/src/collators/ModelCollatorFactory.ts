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
import { DEFAULT_COLLATOR_BATCH_SIZE } from './DatasetCollatorFactory';

/**
 * Document type (index name) of models.
 *
 * @public
 */
export const MODEL_DOCUMENT_TYPE = 'kaml-d-model';

/**
 * A Model in the search index: the fields of the catalog's document of it (title, text, kind,
 * type, namespace, owner, lifecycle), which it replaces, plus framework, task and lineage.
 *
 * @public
 */
export interface ModelDocument extends IndexableDocument {
  kind: 'Model';
  /** The model's task (`classification`, …), as `spec.type` is for other kinds. */
  type: string;
  componentType: string;
  namespace: string;
  name: string;
  owner: string;
  lifecycle: string;
  tags: string[];
  framework: string;
  task: string;
  /** Entity references of the datasets it was trained on, comma-separated. */
  trainedOn: string;
}

function stringField(entity: Entity, field: string): string {
  const value = entity.spec?.[field];
  return typeof value === 'string' ? value : '';
}

function refs(entity: Entity, field: string): string[] {
  const value = entity.spec?.[field];
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

/**
 * The search document of a Model entity: its text holds the description, framework, task and
 * tags, so a search for `pytorch` or `forecasting` finds it.
 *
 * @public
 */
export function modelDocument(entity: Entity): ModelDocument {
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const tags = entity.metadata.tags ?? [];
  const framework = stringField(entity, 'framework');
  const task = stringField(entity, 'task');
  const text = [
    entity.metadata.description ?? '',
    [framework, task].filter(Boolean).join(' '),
    tags.join(' '),
  ]
    .filter(Boolean)
    .join('\n');
  return {
    title: entity.metadata.title ?? name,
    text,
    location: `/catalog/${encodeURIComponent(
      namespace,
    )}/model/${encodeURIComponent(name)}`,
    kind: 'Model',
    type: task || 'other',
    componentType: task || 'other',
    namespace,
    name,
    owner: stringField(entity, 'owner'),
    lifecycle: stringField(entity, 'lifecycle'),
    tags,
    framework,
    task,
    trainedOn: refs(entity, 'trainedOn').join(', '),
    authorization: { resourceRef: stringifyEntityRef(entity) },
  };
}

/**
 * Options of {@link ModelCollatorFactory.create}.
 *
 * @public
 */
export interface ModelCollatorFactoryOptions {
  catalog: CatalogService;
  auth: AuthService;
  batchSize?: number;
}

/**
 * Collates the catalog's Model entities into {@link ModelDocument}s (type `kaml-d-model`),
 * filtered by `catalog.entity.read` like catalog documents.
 *
 * @public
 */
export class ModelCollatorFactory implements DocumentCollatorFactory {
  readonly type = MODEL_DOCUMENT_TYPE;
  readonly visibilityPermission = catalogEntityReadPermission;

  static create(options: ModelCollatorFactoryOptions): ModelCollatorFactory {
    return new ModelCollatorFactory(options);
  }

  private constructor(private readonly options: ModelCollatorFactoryOptions) {}

  async getCollator(): Promise<Readable> {
    return Readable.from(this.documents());
  }

  /** Pages through every Model entity with the plugin's own credentials. */
  async *documents(): AsyncGenerator<ModelDocument> {
    const { catalog, auth } = this.options;
    for await (const entity of catalogEntitiesOfKind({
      catalog,
      auth,
      kind: 'Model',
      limit: this.options.batchSize ?? DEFAULT_COLLATOR_BATCH_SIZE,
    })) {
      yield modelDocument(entity);
    }
  }
}
