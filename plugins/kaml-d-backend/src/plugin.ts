import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { createRouter } from './service/router';
import { createHealthService } from './services/HealthService';
import { KAML_D_BACKEND_VERSION } from './version';

/**
 * The KAML-D backend plugin: Workbench, Metadata Hub and Observation Hub API at
 * `/api/kaml-d`.
 *
 * @public
 */
export const kamlDPlugin = createBackendPlugin({
  pluginId: 'kaml-d',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        database: coreServices.database,
      },
      async init({ logger, httpAuth, httpRouter, database }) {
        const db = await database.getClient();
        const health = createHealthService({
          version: KAML_D_BACKEND_VERSION,
          probes: [
            {
              name: 'database',
              kind: db.client.config.client as string,
              check: async () => {
                await db.raw('select 1');
              },
            },
          ],
        });
        httpRouter.use(await createRouter({ httpAuth, health }));
        logger.info('KAML-D backend ready');
      },
    });
  },
});
