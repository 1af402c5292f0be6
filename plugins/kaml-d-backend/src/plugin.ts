import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  QueryEngine,
  StorageAdapter,
  kamlDQueryEngineExtensionPoint,
  kamlDStorageExtensionPoint,
} from '@kaml-d/plugin-kaml-d-node';
import { createRouter } from './service/router';
import { SIGNED_DOWNLOAD_PATH } from './services/Storage';
import { applyDatabaseMigrations } from './database/migrations';
import { registerKamlDActions } from './actions';
import { createKamlDServices } from './wiring/createServices';
import { scheduleKamlDTasks } from './wiring/tasks';

/**
 * The KAML-D backend plugin: Workbench, Metadata Hub and Observation Hub API at
 * `/api/kaml-d`.
 *
 * @public
 */
export const kamlDPlugin = createBackendPlugin({
  pluginId: 'kaml-d',
  register(env) {
    const storageAdapters: StorageAdapter[] = [];
    const queryEngines: QueryEngine[] = [];
    env.registerExtensionPoint(kamlDStorageExtensionPoint, {
      addStorageAdapter(adapter) {
        storageAdapters.push(adapter);
      },
    });
    env.registerExtensionPoint(kamlDQueryEngineExtensionPoint, {
      addQueryEngine(engine) {
        queryEngines.push(engine);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        database: coreServices.database,
        cache: coreServices.cache,
        discovery: coreServices.discovery,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        notifications: notificationService,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        lifecycle: coreServices.lifecycle,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init({
        config,
        logger,
        httpAuth,
        httpRouter,
        database,
        cache,
        discovery,
        permissions,
        permissionsRegistry,
        auth,
        userInfo,
        notifications,
        scheduler,
        catalog,
        events,
        lifecycle,
        actionsRegistry,
      }) {
        const db = await database.getClient();
        if (!database.migrations?.skip) {
          await applyDatabaseMigrations(db);
        }
        const services = createKamlDServices({
          config,
          logger,
          db,
          cache,
          discovery,
          permissions,
          permissionsRegistry,
          auth,
          userInfo,
          notifications,
          catalog,
          events,
          lifecycle,
          storageAdapters,
          queryEngines,
        });
        const { storage, storageConfig, engines } = services;
        await scheduleKamlDTasks({ config, scheduler, logger, auth, services });
        httpRouter.use(
          await createRouter({ httpAuth, permissions, ...services }),
        );
        // the same services for AI assistants (MCP), with the caller's credentials
        registerKamlDActions({
          actionsRegistry,
          catalog,
          datasets: services.datasets,
          modelVersions: services.modelVersions,
          observation: services.observation,
        });
        // download links carry their own signature instead of a Backstage token
        httpRouter.addAuthPolicy({
          path: SIGNED_DOWNLOAD_PATH,
          allow: 'unauthenticated',
        });
        logger.info(
          `KAML-D backend ready: storage ${storage.defaultAdapter.type} (${
            storageConfig.adapter === 'file'
              ? storageConfig.file.root
              : storageConfig.uploadBucket
          }), query engines ${engines.engines.map(e => e.id).join(', ')}`,
        );
      },
    });
  },
});
