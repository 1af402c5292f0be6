import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { readDatasetBindingPolicy } from '@kaml-d/plugin-kaml-d-node';
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
