import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import {
  CatalogKindsDecoratorFactory,
  DatasetCollatorFactory,
  ModelCollatorFactory,
} from './collators';

/**
 * Indexing schedule of datasets when `search.collators.kamlDDataset.schedule` is absent.
 *
 * @public
 */
export const DEFAULT_DATASET_COLLATOR_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { minutes: 10 },
    timeout: { minutes: 15 },
    initialDelay: { seconds: 10 },
  };

/**
 * Search module that indexes KAML-D Dataset entities (type `kaml-d-dataset`) with their
 * columns, tags, format and size, and Model entities (type `kaml-d-model`) with their framework,
 * task and lineage, for whichever search engine the search plugin uses. The catalog's own
 * documents of these two kinds are left out of its index (`software-catalog`), so each entity
 * is one hit.
 *
 * @public
 */
export const searchModuleKamlDDatasets = createBackendModule({
  pluginId: 'search',
  moduleId: 'kaml-d-datasets',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        indexRegistry: searchIndexRegistryExtensionPoint,
      },
      async init({ config, auth, scheduler, catalog, indexRegistry }) {
        const scheduleConfig = config.getOptionalConfig(
          'search.collators.kamlDDataset.schedule',
        );
        const schedule = scheduleConfig
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
          : DEFAULT_DATASET_COLLATOR_SCHEDULE;
        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner(schedule),
          factory: DatasetCollatorFactory.create({ catalog, auth }),
        });
        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner(schedule),
          factory: ModelCollatorFactory.create({ catalog, auth }),
        });
        indexRegistry.addDecorator({
          factory: new CatalogKindsDecoratorFactory(),
        });
      },
    });
  },
});
