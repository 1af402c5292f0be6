import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { resolve } from 'node:path';
import { readStorageConfig } from '../adapters/config';
import {
  BindingStorage,
  canonicalLocation,
  CanonicalLocation,
  formatCanonicalLocation,
  locationsOverlap,
} from './locations';

/**
 * Type part of the object-store discovery provider names (`kaml-d-object-store:<id>`).
 *
 * @public
 */
export const KAML_D_OBJECT_STORE_PROVIDER_TYPE = 'kaml-d-object-store';
/**
 * Type part of the Trino discovery provider names (`kaml-d-trino:<id>`).
 *
 * @public
 */
export const KAML_D_TRINO_PROVIDER_TYPE = 'kaml-d-trino';
/** Type part of the PersistentVolumeClaim discovery provider name (`kaml-d-pvc:<cluster>`). */
const PVC_PROVIDER_TYPE = 'kaml-d-pvc';

/**
 * One `kamlD.bindings.mappings[]` entry: an admin binds a location to one Dataset.
 *
 * @public
 */
export interface DatasetBindingMapping {
  /** The Dataset, as a full ref (`dataset:default/finance-transactions`). */
  entityRef: string;
  /** The location as configured. */
  location: string;
  canonical: CanonicalLocation;
  /** The owner the Dataset must name, as a full ref (`group:default/finance`). */
  owner: string;
  /** When set, the Dataset must come from this origin location (`url:https://…`). */
  origin?: string;
}

/**
 * What a configured KAML-D discovery provider may bind: folders directly under an object-store
 * root, or tables of a Trino catalog.
 *
 * @public
 */
export interface DiscoveryBindingRoot {
  providerName: string;
  /** `s3://bucket/prefix/` of an object-store entry, `trino://catalog` of a Trino entry. */
  root: CanonicalLocation;
  /** Path segments a dataset location has below the root (1 folder; 2 for schema/table). */
  depth: number;
}

/**
 * The server-side storage binding rule's inputs, read once from configuration by
 * {@link readDatasetBindingPolicy}.
 *
 * @public
 */
export interface DatasetBindingPolicy {
  storage: BindingStorage;
  /** Origin location refs (`file:/abs/catalog/all.yaml`, `url:https://…`) an admin vouches for. */
  trustedOrigins: ReadonlySet<string>;
  mappings: readonly DatasetBindingMapping[];
  /** Configured discovery providers by provider name. */
  discovery: ReadonlyMap<string, DiscoveryBindingRoot>;
}

/**
 * A location ref as the catalog writes it into `backstage.io/managed-by-origin-location`:
 * `<type>:<target>`, with `file` targets resolved to absolute paths (as the catalog resolves
 * `catalog.locations`, against the backend's working directory).
 *
 * @public
 */
export function originLocationRef(type: string, target: string): string {
  return `${type}:${type === 'file' ? resolve(target) : target}`;
}

function fullRef(ref: string, defaultKind: string, where: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
    ).toLocaleLowerCase('en-US');
  } catch {
    throw new Error(
      `${where} must be an entity reference such as ${defaultKind}:default/name, got "${ref}"`,
    );
  }
}

function readTrustedOrigins(config: Config): Set<string> {
  const entries =
    config.getOptionalConfigArray('kamlD.bindings.trustedOrigins') ?? [];
  return new Set(
    entries.map(entry =>
      originLocationRef(entry.getString('type'), entry.getString('target')),
    ),
  );
}

function readMappings(
  config: Config,
  storage: BindingStorage,
): DatasetBindingMapping[] {
  const entries =
    config.getOptionalConfigArray('kamlD.bindings.mappings') ?? [];
  const mappings = entries.map((entry, index) => {
    const where = `kamlD.bindings.mappings[${index}]`;
    const location = entry.getString('location');
    const canonical = canonicalLocation(location, storage);
    if (!canonical || canonical.segments.length === 0) {
      throw new Error(
        `${where}.location must name a folder or table such as s3://bucket/folder/ or trino://catalog/schema/table, got "${location}"`,
      );
    }
    const originType = entry.getOptionalString('origin.type');
    return {
      entityRef: fullRef(
        entry.getString('entityRef'),
        'dataset',
        `${where}.entityRef`,
      ),
      location,
      canonical,
      owner: fullRef(entry.getString('owner'), 'group', `${where}.owner`),
      ...(originType
        ? {
            origin: originLocationRef(
              originType,
              entry.getString('origin.target'),
            ),
          }
        : {}),
    };
  });
  mappings.forEach((a, i) =>
    mappings.slice(0, i).forEach((b, j) => {
      if (locationsOverlap(a.canonical, b.canonical)) {
        throw new Error(
          `kamlD.bindings.mappings[${i}] (${
            a.location
          }) overlaps mappings[${j}] (${
            b.location
          }) at ${formatCanonicalLocation(
            a.canonical.segments.length < b.canonical.segments.length
              ? a.canonical
              : b.canonical,
          )}; a location belongs to one dataset, so remove or narrow one of them`,
        );
      }
    }),
  );
  return mappings;
}

function readDiscovery(
  config: Config,
  storage: BindingStorage,
): Map<string, DiscoveryBindingRoot> {
  const roots = new Map<string, DiscoveryBindingRoot>();
  const objectStore =
    config.getOptionalConfigArray('catalog.providers.kamlD.objectStore') ?? [];
  for (const entry of objectStore) {
    const location =
      entry.getOptionalString('location') ??
      `s3://${entry.getOptionalString('bucket') ?? ''}/${
        entry.getOptionalString('prefix') ?? ''
      }`;
    const root = canonicalLocation(location, storage);
    if (!root || root.segments.length === 0) continue; // the provider reports its own config error
    const providerName = `${KAML_D_OBJECT_STORE_PROVIDER_TYPE}:${entry.getString(
      'id',
    )}`;
    roots.set(providerName, { providerName, root, depth: 1 });
  }
  const trino =
    config.getOptionalConfigArray('catalog.providers.kamlD.trino') ?? [];
  for (const entry of trino) {
    const providerName = `${KAML_D_TRINO_PROVIDER_TYPE}:${entry.getString(
      'id',
    )}`;
    roots.set(providerName, {
      providerName,
      root: {
        store: 'trino',
        segments: [entry.getString('catalog').toLowerCase()],
      },
      depth: 2,
    });
  }
  // labelled PersistentVolumeClaims (the catalog module's PvcDatasetProvider, on with
  // kamlD.volumes): pvc://<cluster>/<namespace>/<claim>
  if (config.has('kamlD.volumes')) {
    const cluster =
      config.getOptionalString('kamlD.volumes.cluster') ?? 'kaml-d';
    const providerName = `${PVC_PROVIDER_TYPE}:${cluster}`;
    roots.set(providerName, {
      providerName,
      root: { store: 'pvc', segments: [cluster] },
      depth: 2,
    });
  }
  return roots;
}

/**
 * Reads the binding rule's configuration: `kamlD.bindings.trustedOrigins`,
 * `kamlD.bindings.mappings`, the discovery providers of `catalog.providers.kamlD` and the store
 * of `kamlD.storage`. Fails fast, naming the key, on an invalid or overlapping mapping.
 *
 * @public
 */
export function readDatasetBindingPolicy(
  config: Config,
  env: Record<string, string | undefined> = process.env,
): DatasetBindingPolicy {
  const storageConfig = readStorageConfig(config, env);
  const storage: BindingStorage = {
    s3Adapter: storageConfig.adapter,
    fileRoot: storageConfig.file.root,
  };
  return {
    storage,
    trustedOrigins: readTrustedOrigins(config),
    mappings: readMappings(config, storage),
    discovery: readDiscovery(config, storage),
  };
}
