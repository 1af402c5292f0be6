import { AuthService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KAML_D_DISCOVERED_BY,
  DATASET_KIND,
  DatasetColumn,
  DatasetEntityV1alpha1,
  DatasetFormat,
  DATASET_FORMATS,
  KAML_D_API_VERSION,
} from '@kaml-d/plugin-kaml-d-common';
import {
  bindingHolders,
  canonicalLocation,
  DatasetBindingPolicy,
  locationsOverlap,
} from '@kaml-d/plugin-kaml-d-node';
import { createHash } from 'node:crypto';

export {
  ANNOTATION_KAML_D_LAST_MODIFIED,
  ANNOTATION_KAML_D_OBJECT_COUNT,
  ANNOTATION_KAML_D_SCHEMA_SOURCE,
  ANNOTATION_KAML_D_SIZE_BYTES,
} from '@kaml-d/plugin-kaml-d-common';

const MAX_NAME_LENGTH = 63;

/**
 * A valid entity name from a folder or table name: lower case, `[a-z0-9-_.]`, at most 63
 * characters. When that changed the name, a short hash of the original keeps names distinct.
 */
export function toEntityName(raw: string): string {
  const cleaned = raw
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/[-_.]{2,}/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  // upper case alone is folded without a hash, to keep names readable
  if (
    cleaned &&
    cleaned === raw.toLowerCase() &&
    cleaned.length <= MAX_NAME_LENGTH
  ) {
    return cleaned;
  }
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  const stem = cleaned
    .slice(0, MAX_NAME_LENGTH - hash.length - 1)
    .replace(/[^a-z0-9]+$/, '');
  return stem ? `${stem}-${hash}` : `dataset-${hash}`;
}

/** `s3://b/p` and `s3://b/p/` name the same place. */
export function normaliseLocation(location: string): string {
  return location.replace(/\/+$/, '');
}

export function asDatasetFormat(format: string): DatasetFormat {
  return (DATASET_FORMATS as readonly string[]).includes(format)
    ? (format as DatasetFormat)
    : 'binary';
}

/** What a provider knows of one discovered dataset. */
export interface DiscoveredDataset {
  name: string;
  title?: string;
  description: string;
  location: string;
  format: string;
  owner: string;
  lifecycle: string;
  system?: string;
  columns?: DatasetColumn[];
  size?: { bytes?: number; files?: number; rows?: number };
  annotations?: Record<string, string>;
  tags?: string[];
}

/** The Dataset entity of a discovery, managed by `providerName`. */
export function discoveredEntity(
  providerName: string,
  dataset: DiscoveredDataset,
): DatasetEntityV1alpha1 {
  const managedBy = `${providerName}:${dataset.location}`;
  return {
    apiVersion: KAML_D_API_VERSION,
    kind: DATASET_KIND,
    metadata: {
      name: dataset.name,
      ...(dataset.title ? { title: dataset.title } : {}),
      description: dataset.description,
      ...(dataset.tags?.length ? { tags: dataset.tags } : {}),
      annotations: {
        [ANNOTATION_LOCATION]: managedBy,
        [ANNOTATION_ORIGIN_LOCATION]: managedBy,
        [ANNOTATION_KAML_D_DISCOVERED_BY]: providerName,
        ...dataset.annotations,
      },
    },
    spec: {
      owner: dataset.owner,
      lifecycle: dataset.lifecycle,
      ...(dataset.system ? { system: dataset.system } : {}),
      format: asDatasetFormat(dataset.format),
      location: dataset.location,
      ...(dataset.columns?.length
        ? { schema: { columns: dataset.columns } }
        : {}),
      ...(dataset.size ? { size: dataset.size } : {}),
    },
  };
}

/** The fields of Dataset entities the storage binding rule reads. */
const BINDING_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
  'spec.location',
  'spec.owner',
];

/** Every Dataset entity of the catalog with the fields the binding rule reads. */
export async function listDatasetsForBindings(
  catalog: CatalogService,
  auth: AuthService,
): Promise<Entity[]> {
  const { items } = await catalog.getEntities(
    { filter: { kind: DATASET_KIND }, fields: BINDING_FIELDS },
    { credentials: await auth.getOwnServiceCredentials() },
  );
  return items as Entity[];
}

/**
 * Locations that a Dataset bound by an admin declares (an admin mapping, or an entity from a
 * trusted origin such as `catalog/datasets.yaml`): discovery skips every folder or table that
 * overlaps one, so a dataset is never in the catalog twice. Entities from untrusted sources
 * declare nothing (discovery never backs off for them; the processor rejects them), and
 * discovered datasets are not declarations either (the processor orders those by entity ref).
 */
export async function declaredDatasetLocations(
  catalog: CatalogService,
  auth: AuthService,
  policy: DatasetBindingPolicy,
): Promise<{ has(location: string): boolean }> {
  const declared = bindingHolders(
    await listDatasetsForBindings(catalog, auth),
    policy,
  ).filter(holder => holder.source !== 'discovery');
  return {
    has(location) {
      const canonical = canonicalLocation(location, policy.storage);
      return (
        canonical !== undefined &&
        declared.some(holder => locationsOverlap(holder.location, canonical))
      );
    },
  };
}
