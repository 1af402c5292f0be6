import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  createBindingHolderCache,
  readDatasetBindingPolicy,
} from '@kaml-d/plugin-kaml-d-node';
import { KamlDEntitiesProcessor } from './processor';
import { ObjectStoreDatasetProvider, TrinoDatasetProvider } from './providers';
import { listDatasetsForBindings } from './providers/entities';

/** How long the processor reuses the list of location holders. */
const BINDING_HOLDERS_TTL_MS = 15_000;

/**
 * The KAML-D catalog module: adds the Dataset and Model kinds to the catalog and discovers
 * datasets.
 *
 * @remarks
 *
 * Registers {@link KamlDEntitiesProcessor} with the storage binding rule of `kamlD.bindings`, one {@link ObjectStoreDatasetProvider} per
 * `catalog.providers.kamlD.objectStore` entry (applying upload events from the
 * `kaml-d.datasets` topic at once) and one {@link TrinoDatasetProvider} per
 * `catalog.providers.kamlD.trino` entry.
 *
 * @public
 */
export const catalogModuleKamlD = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'kaml-d',
  register(reg) {
    reg.registerInit({
      deps: {
        catalogProcessing: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
      },
      async init({
        catalogProcessing,
        config,
        logger,
        scheduler,
        auth,
        catalog,
        events,
      }) {
        const bindingPolicy = readDatasetBindingPolicy(config);
        const holders = createBindingHolderCache({
          policy: bindingPolicy,
          list: () => listDatasetsForBindings(catalog, auth),
          ttlMs: BINDING_HOLDERS_TTL_MS,
        });
        catalogProcessing.addProcessor(
          new KamlDEntitiesProcessor({
            bindingPolicy,
            bindingHolders: maxAgeMs => holders.holders(maxAgeMs),
          }),
        );
        const shared = { logger, scheduler, auth, catalog, bindingPolicy };
        catalogProcessing.addEntityProvider(
          ObjectStoreDatasetProvider.fromConfig(config, { ...shared, events }),
        );
        catalogProcessing.addEntityProvider(
          TrinoDatasetProvider.fromConfig(config, shared),
        );
      },
    });
  },
});
