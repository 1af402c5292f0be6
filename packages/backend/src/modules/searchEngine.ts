import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { searchEngineRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { PgSearchEngine } from '@backstage/plugin-search-backend-module-pg';
import { KamlDLunrSearchEngine } from './searchEngineLunr';

/**
 * Picks the search engine from configuration, since only one may be registered:
 * - `search.elasticsearch` configured → the Elasticsearch/OpenSearch module registers itself;
 * - otherwise, a PostgreSQL database → the PostgreSQL engine;
 * - otherwise → Lunr in memory, the search backend's built-in default, with KAML-D's query path
 *   ({@link KamlDLunrSearchEngine}: field-scoped exact and prefix terms, paging before
 *   highlighting) so that tens of thousands of dataset documents stay searchable.
 */
export default createBackendModule({
  pluginId: 'search',
  moduleId: 'kaml-d-engine-selection',
  register(reg) {
    reg.registerInit({
      deps: {
        registry: searchEngineRegistryExtensionPoint,
        config: coreServices.rootConfig,
        database: coreServices.database,
        logger: coreServices.logger,
      },
      async init({ registry, config, database, logger }) {
        if (config.has('search.elasticsearch')) {
          logger.info('Search engine: Elasticsearch/OpenSearch');
          return;
        }
        if (await PgSearchEngine.supported(database)) {
          logger.info('Search engine: PostgreSQL');
          registry.setSearchEngine(
            await PgSearchEngine.fromConfig(config, { database, logger }),
          );
          return;
        }
        logger.info('Search engine: Lunr (in memory)');
        registry.setSearchEngine(new KamlDLunrSearchEngine({ logger }));
      },
    });
  },
});
