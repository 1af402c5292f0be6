import { AuthService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  checkDatasetBinding,
  createBindingHolderCache,
  DatasetBindingPolicy,
} from '@kaml-d/plugin-kaml-d-node';

/** How long the list of location holders is reused. */
export const BINDING_HOLDERS_TTL_MS = 30_000;

/**
 * The storage binding rule applied to data: every route that reads or writes a dataset's storage
 * asks it before resolving `spec.location`.
 */
export interface StorageBindingsService {
  /**
   * Resolves when the Dataset is bound to its `spec.location` (the rule of the catalog
   * processor: discovery, admin mapping or trusted origin, one location one Dataset); otherwise
   * throws a NotAllowedError that says who holds the location and how to bind one. Needed
   * because a Dataset accepted before a rule change keeps its last stitched version in the
   * catalog when reprocessing rejects it.
   */
  assertBound(entity: Entity): Promise<void>;
}

/** Creates the {@link StorageBindingsService}; holders are read with the plugin's own credentials. */
export function createStorageBindingsService(options: {
  policy: DatasetBindingPolicy;
  catalog: CatalogService;
  auth: AuthService;
  ttlMs?: number;
}): StorageBindingsService {
  const { policy, catalog, auth } = options;
  const holders = createBindingHolderCache({
    policy,
    ttlMs: options.ttlMs ?? BINDING_HOLDERS_TTL_MS,
    list: async () => {
      const { items } = await catalog.getEntities(
        {
          filter: { kind: 'Dataset' },
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.annotations',
            'spec.location',
            'spec.owner',
          ],
        },
        { credentials: await auth.getOwnServiceCredentials() },
      );
      return items;
    },
  });
  return {
    async assertBound(entity) {
      const decision = checkDatasetBinding(
        entity,
        policy,
        await holders.holders(),
      );
      if (!decision.allowed) {
        throw new NotAllowedError(
          `${decision.message} KAML-D serves no data of a dataset that is not bound to its location.`,
        );
      }
    },
  };
}
