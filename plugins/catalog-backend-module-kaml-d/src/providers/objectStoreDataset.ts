import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import {
  DatasetEntityV1alpha1,
  isDatasetEntity,
} from '@kaml-d/plugin-kaml-d-common';
import {
  DatasetUploadedEvent,
  StorageAdapter,
  StorageObjectInfo,
} from '@kaml-d/plugin-kaml-d-node';
import { parse } from 'yaml';
import { formatOfObjects, isDataKey } from '../discovery/formats';
import { ObjectStoreProviderConfig } from './config';
import {
  ANNOTATION_KAML_D_LAST_MODIFIED,
  ANNOTATION_KAML_D_OBJECT_COUNT,
  ANNOTATION_KAML_D_SIZE_BYTES,
  discoveredEntity,
  toEntityName,
} from './entities';

/** Name of the manifest the upload route writes beside a dataset's files. */
export const DATASET_MANIFEST_NAME = 'catalog-info.yaml';
/** Largest manifest read (a manifest is a few kilobytes). */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/** What reading one dataset folder needs from its provider. */
export interface DatasetFolderSource {
  config: ObjectStoreProviderConfig;
  adapter: StorageAdapter;
  /** The provider name, stamped on the entity. */
  providerName: string;
  logger: LoggerService;
}

/** The `s3://` location of a key or prefix in the provider's bucket. */
export function objectStoreLocation(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/**
 * The Dataset entity of one folder, or undefined when it holds neither data nor a manifest.
 * One recursive listing and at most one manifest read: no data file is opened here.
 */
export async function readObjectStoreDataset(
  source: DatasetFolderSource,
  datasetPrefix: string,
  event?: DatasetUploadedEvent,
): Promise<DatasetEntityV1alpha1 | undefined> {
  const { config, adapter } = source;
  const { bucket } = config;
  const objects: StorageObjectInfo[] = [];
  for await (const object of adapter.listRecursive(bucket, datasetPrefix)) {
    objects.push(object);
  }
  const manifestKey = `${datasetPrefix}${DATASET_MANIFEST_NAME}`;
  const manifestObject = objects.find(o => o.key === manifestKey);
  const data = objects.filter(o => isDataKey(o.key));
  if (!manifestObject && data.length === 0) return undefined;

  const location = objectStoreLocation(bucket, datasetPrefix);
  let bytes = 0;
  let lastModified: Date | undefined;
  for (const object of data) {
    bytes += object.size;
    if (
      object.lastModified &&
      (!lastModified || object.lastModified > lastModified)
    ) {
      lastModified = object.lastModified;
    }
  }
  const manifest = manifestObject
    ? await readManifest(adapter, bucket, manifestObject)
    : asDatasetEntity(event?.entity);
  const format = manifest?.spec.format ?? formatOfObjects(data.map(o => o.key));
  const declaredColumns = manifest?.spec.schema?.columns;

  const annotations: Record<string, string> = {
    [ANNOTATION_KAML_D_SIZE_BYTES]: String(bytes),
    [ANNOTATION_KAML_D_OBJECT_COUNT]: String(data.length),
    ...(lastModified
      ? { [ANNOTATION_KAML_D_LAST_MODIFIED]: lastModified.toISOString() }
      : {}),
  };
  const folder = datasetPrefix.slice(config.prefix.length).replace(/\/$/, '');
  const entity = discoveredEntity(source.providerName, {
    name: manifest?.metadata.name ?? toEntityName(folder),
    title:
      manifest?.metadata.title ??
      (toEntityName(folder) === folder ? undefined : folder),
    description:
      manifest?.metadata.description ??
      `Discovered in ${location}: ${data.length} ${format} object(s).`,
    tags: manifest?.metadata.tags,
    location,
    format,
    owner: manifest?.spec.owner ?? config.owner,
    lifecycle: manifest?.spec.lifecycle ?? config.lifecycle,
    system: manifest?.spec.system ?? config.system,
    // columns a manifest declares; the others are read by the query engine when the catalog
    // processes the entity (DatasetSchemaProcessor), as the Schema tab reads them
    columns: declaredColumns,
    size: { ...manifest?.spec.size, bytes, files: data.length },
    annotations,
  });
  if (manifest) {
    // keep what the manifest says beyond the fields above (labels, links, other annotations)
    entity.metadata = {
      ...manifest.metadata,
      ...entity.metadata,
      annotations: {
        ...manifest.metadata.annotations,
        ...entity.metadata.annotations,
      },
    };
  }
  return entity;
}

async function readManifest(
  adapter: StorageAdapter,
  bucket: string,
  object: StorageObjectInfo,
): Promise<DatasetEntityV1alpha1 | undefined> {
  if (object.size > MAX_MANIFEST_BYTES) {
    throw new Error(
      `${object.key} is ${object.size} bytes, more than a manifest may be (${MAX_MANIFEST_BYTES})`,
    );
  }
  const stream = await adapter.read(bucket, object.key);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  }
  const document = asDatasetEntity(
    parse(Buffer.concat(chunks).toString('utf8')),
  );
  if (!document) {
    throw new Error(
      `${object.key} does not hold a Dataset entity with metadata.name, spec.owner and spec.format`,
    );
  }
  return document;
}

/** The value as a Dataset entity when it has the fields discovery reads, else undefined. */
function asDatasetEntity(value: unknown): DatasetEntityV1alpha1 | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entity = value as Partial<Entity>;
  const spec = entity.spec;
  if (
    typeof entity.apiVersion !== 'string' ||
    typeof entity.kind !== 'string' ||
    typeof entity.metadata?.name !== 'string' ||
    typeof spec !== 'object' ||
    typeof spec.owner !== 'string' ||
    typeof spec.format !== 'string'
  ) {
    return undefined;
  }
  const full = value as Entity;
  return isDatasetEntity(full) ? full : undefined;
}

export function errorMessage(error: unknown): string {
  return isError(error) ? error.message : String(error);
}
