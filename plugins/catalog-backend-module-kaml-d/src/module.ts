import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { KamlDEntitiesProcessor } from './processor';
import { ObjectStoreDatasetProvider, TrinoDatasetProvider } from './providers';

/**
 * The KAML-D catalog module: adds the Dataset and Model kinds to the catalog and discovers
 * datasets.
 *
 * @remarks
 *
 * Registers {@link KamlDEntitiesProcessor}, one {@link ObjectStoreDatasetProvider} per
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
        catalogProcessing.addProcessor(new KamlDEntitiesProcessor());
        const shared = { logger, scheduler, auth, catalog };
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
