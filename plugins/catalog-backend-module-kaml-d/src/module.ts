import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { KamlDEntitiesProcessor } from './processor';

/**
 * The KAML-D catalog module: adds the Dataset and Model kinds to the catalog.
 *
 * @remarks
 *
 * Registers {@link KamlDEntitiesProcessor}. Entity providers (object-storage and Trino
 * discovery) are added to the same `init` as they arrive.
 *
 * @public
 */
export const catalogModuleKamlD = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'kaml-d',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
      },
      async init({ catalog }) {
        catalog.addProcessor(new KamlDEntitiesProcessor());
      },
    });
  },
});
