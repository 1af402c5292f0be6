import {
  BackendFeature,
  BackstageCredentials,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import { join } from 'node:path';
import { readDatasetBindingPolicy } from '@kaml-d/plugin-kaml-d-node';
import { kamlDPlugin } from '../plugin';
import { createStorageBindingsService } from '../services/StorageBindings';

/** The catalog file test datasets come from; trusted by {@link TEST_BINDINGS_CONFIG}. */
export const TEST_SEED_ORIGIN = 'file:/kaml-d-test/catalog/all.yaml';

/** Annotations the catalog gives an entity read from {@link TEST_SEED_ORIGIN}. */
export const TRUSTED_TEST_ANNOTATIONS = {
  'backstage.io/managed-by-location': TEST_SEED_ORIGIN,
  'backstage.io/managed-by-origin-location': TEST_SEED_ORIGIN,
};

/** `kamlD.bindings` of tests: trusts {@link TEST_SEED_ORIGIN}. */
export const TEST_BINDINGS_CONFIG = {
  trustedOrigins: [{ type: 'file', target: '/kaml-d-test/catalog/all.yaml' }],
};

/** The binding rule with {@link TEST_BINDINGS_CONFIG}, over `catalog`. */
export function testStorageBindings(catalog: CatalogService) {
  return createStorageBindingsService({
    policy: readDatasetBindingPolicy(
      new ConfigReader({ kamlD: { bindings: TEST_BINDINGS_CONFIG } }),
      {},
    ),
    catalog,
    auth: mockServices.auth(),
  });
}

/**
 * A Dataset entity read from {@link TEST_SEED_ORIGIN} (or `origin`), owned by
 * group:default/data, over `s3://kaml-datasets/<name>/` unless `location` says otherwise.
 */
export function testDataset(
  name: string,
  format: string,
  options: { location?: string; origin?: string; lifecycle?: string } = {},
): Entity {
  const origin = options.origin ?? TEST_SEED_ORIGIN;
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': origin,
        'backstage.io/managed-by-origin-location': origin,
      },
    },
    spec: {
      owner: 'group:default/data',
      ...(options.lifecycle ? { lifecycle: options.lifecycle } : {}),
      format,
      location: options.location ?? `s3://kaml-datasets/${name}/`,
    },
  };
}

/** `base` with `over` laid on it, plain objects merged key by key. */
function merge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    out[key] = isObject(prior) && isObject(value) ? merge(prior, value) : value;
  }
  return out;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type KamlDTestBackendOptions = {
  /** Folder of the test: storage in `<root>/storage`, DuckDB cache in `<root>/cache`. */
  root: string;
  /** Entities of the mock catalog (ignored when `catalog` is given). */
  entities?: Entity[];
  /** A catalog service factory in place of `catalogServiceMock.factory({ entities })`. */
  catalog?: ServiceFactory;
  /** `kamlD` config laid over the defaults (storage and query merged key by key). */
  kamlD?: JsonObject;
  /** `kamlD.bindings`: {@link TEST_BINDINGS_CONFIG} unless given; `null` leaves it out. */
  bindings?: JsonObject | null;
  /** Top-level config besides `backend` and `kamlD` (e.g. `catalog`). */
  config?: JsonObject;
  /** The credentials of a request without a token (default: none). */
  credentials?: BackstageCredentials;
  /** More features, after the plugin, config, HTTP auth and catalog. */
  features?: Array<BackendFeature | Promise<{ default: BackendFeature }>>;
};

/** The health probes' timeout in tests: long enough for a sandbox to start under load. */
export const TEST_PROBE_TIMEOUT_MS = 60_000;

/**
 * The KAML-D plugin in a test backend: file storage and DuckDB cache below `root`, the mock
 * catalog, HTTP auth without default credentials and {@link TEST_BINDINGS_CONFIG}.
 */
export function startKamlDTestBackend(options: KamlDTestBackendOptions) {
  const { root, bindings = TEST_BINDINGS_CONFIG } = options;
  const kamlD = merge(
    {
      storage: { file: { root: join(root, 'storage') } },
      query: { duckdb: { cacheDir: join(root, 'cache') } },
      // a probe that starts a DuckDB sandbox may take seconds on a busy machine
      health: { probeTimeoutMs: TEST_PROBE_TIMEOUT_MS },
      ...(bindings ? { bindings } : {}),
    },
    options.kamlD ?? {},
  );
  return startTestBackend({
    features: [
      kamlDPlugin,
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          kamlD,
          ...options.config,
        },
      }),
      mockServices.httpAuth.factory({
        defaultCredentials: options.credentials ?? mockCredentials.none(),
      }),
      options.catalog ??
        catalogServiceMock.factory({ entities: options.entities ?? [] }),
      ...(options.features ?? []),
    ],
  });
}
