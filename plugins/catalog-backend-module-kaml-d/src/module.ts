import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { Config } from '@backstage/config';
import {
  StorageAdapter,
  createBindingHolderCache,
  readDatasetBindingPolicy,
} from '@kaml-d/plugin-kaml-d-node';
import {
  createEngineSchemaClient,
  DatasetFactsProcessor,
  DatasetMediaProcessor,
  DatasetSchemaProcessor,
  KamlDEntitiesProcessor,
} from './processor';
import { ObjectStoreDatasetProvider, TrinoDatasetProvider } from './providers';
import { PvcDatasetProvider } from './providers/PvcDatasetProvider';
import { storageAdapterFactory } from './providers/storageAdapters';
import { listDatasetsForBindings } from './providers/entities';

/** The adapters of `kamlD.storage` by bucket, or none when the store cannot be built here. */
function readableStore(
  config: Config,
): (bucket: string) => StorageAdapter | undefined {
  try {
    return storageAdapterFactory(config, undefined);
  } catch {
    return () => undefined;
  }
}

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
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        lifecycle: coreServices.lifecycle,
      },
      async init({
        catalogProcessing,
        config,
        logger,
        scheduler,
        auth,
        discovery,
        catalog,
        events,
        lifecycle,
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
        // size, files and last change of Datasets declared outside discovery (after the binding
        // check above: an unbound Dataset is rejected before its folder is listed)
        catalogProcessing.addProcessor(
          new DatasetFactsProcessor({
            adapterFor: readableStore(config),
            bindingPolicy,
            logger,
          }),
        );
        // columns of Datasets that declare none, read by the KAML-D backend's query engine (the
        // reader of the Schema tab), after the facts above that tell when the data changed
        catalogProcessing.addProcessor(
          new DatasetSchemaProcessor({
            readSchema: createEngineSchemaClient({ discovery, auth }),
            bindingPolicy,
            logger,
          }),
        );
        // file-level facts of image and audio Datasets (counts, dimensions, durations)
        catalogProcessing.addProcessor(
          new DatasetMediaProcessor({
            adapterFor: readableStore(config),
            bindingPolicy,
            logger,
          }),
        );
        const shared = { logger, scheduler, auth, catalog, bindingPolicy };
        const objectStores = ObjectStoreDatasetProvider.fromConfig(config, {
          ...shared,
          events,
        });
        catalogProcessing.addEntityProvider(objectStores);
        // the change feeds (file watchers, MinIO notification requests) end with the backend
        lifecycle.addShutdownHook(() => objectStores.forEach(p => p.close()));
        catalogProcessing.addEntityProvider(
          TrinoDatasetProvider.fromConfig(config, shared),
        );
        // labelled PersistentVolumeClaims (kamlD.volumes with kamlD.workloadCluster)
        const claims = PvcDatasetProvider.fromConfig(config, shared);
        if (claims) catalogProcessing.addEntityProvider(claims);
      },
    });
  },
});
