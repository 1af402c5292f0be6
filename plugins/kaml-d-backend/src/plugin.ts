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
  readDatasetBindingPolicy,
  readKamlDClusterAccess,
} from '@kaml-d/plugin-kaml-d-node';
import { createRouter } from './service/router';
import { createHealthService } from './services/HealthService';
import {
  SIGNED_DOWNLOAD_PATH,
  createLinkSigner,
  createStorageService,
  loadSigningSecret,
  readStorageConfig,
} from './services/Storage';
import {
  createQueryEngineService,
  readQueryConfig,
} from './services/QueryEngine';
import {
  createDatasetNameClaims,
  createDatasetsService,
  createSchemaReader,
} from './services/Datasets';
import { createStorageBindingsService } from './services/StorageBindings';
import { volumeSnapshotsFromConfig } from './services/Snapshots/volumes';
import { createDatasetRegistrationService } from './services/DatasetRegistration';
import {
  createObservationService,
  readObservationConfig,
} from './services/Observation';
import { createRunsService } from './services/Runs';
import { createPastLogSource } from './services/Telemetry';
import { KAML_D_BACKEND_VERSION } from './version';
import { applyDatabaseMigrations } from './database/migrations';
import { createAuditLogService } from './services/Audit';
import {
  createSnapshotsService,
  readSnapshotsConfig,
} from './services/Snapshots';
import { createModelVersionsService } from './services/ModelVersions';
import {
  createAccessRequestsService,
  registerKamlDEntityPermissions,
} from './services/AccessRequests';
import { registerKamlDActions } from './actions';
import {
  createNotebooksService,
  readNotebooksConfig,
} from './services/Notebooks';
import {
  createDemoSeeder,
  readDemoSeedConfig,
  scheduleDemoSeed,
} from './services/DemoSeed';

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
        const audit = createAuditLogService({ db });
        const storageConfig = readStorageConfig(config);
        const storage = createStorageService({
          config: storageConfig,
          cache: cache.withOptions({
            defaultTtl: { seconds: storageConfig.summaryCacheSeconds },
          }),
          discovery,
          signer: createLinkSigner(async () =>
            storageConfig.file.signingSecret
              ? Buffer.from(storageConfig.file.signingSecret)
              : loadSigningSecret(db),
          ),
          extraAdapters: storageAdapters,
        });
        const engines = createQueryEngineService({
          config: readQueryConfig(config),
          extraEngines: queryEngines,
        });
        // the engines' workers and connections end with the plugin
        lifecycle.addShutdownHook(async () => {
          await Promise.all(engines.engines.map(engine => engine.close?.()));
        });
        const bindings = createStorageBindingsService({
          policy: readDatasetBindingPolicy(config),
          catalog,
          auth,
        });
        const snapshots = createSnapshotsService({
          bindings,
          db,
          catalog,
          permissions,
          storage,
          audit,
          logger,
          engines,
          config: readSnapshotsConfig(config),
          volumes: volumeSnapshotsFromConfig({ config, db, audit }),
        });
        // one upload or registration per new dataset name and folder, across replicas
        const claims = createDatasetNameClaims({ db, logger });
        // the engines read every schema: Schema tab, profiles and the catalog's Datasets
        const schemas = createSchemaReader({ engines, cache, storage });
        const datasets = createDatasetsService({
          schemas,
          claims,
          previewCache: {
            enabled: config.getOptionalBoolean(
              'kamlD.query.previewCache.enabled',
            ),
          },
          bindings,
          catalog,
          permissions,
          storage,
          engines,
          cache,
          events,
          logger,
          maxUploadBytes: storageConfig.maxUploadBytes,
          audit,
          auth,
          userInfo,
          snapshots,
        });

        // crash recovery: sweep pending snapshots and roll forward killed restores; the scheduler
        // runs it on one replica at a time, once at start and then every few minutes
        await scheduler.scheduleTask({
          id: 'kaml-d-snapshot-recovery',
          frequency: { minutes: 5 },
          timeout: { minutes: 30 },
          initialDelay: { seconds: 5 },
          fn: async () => {
            await snapshots.recover(5 * 60 * 1000);
          },
        });

        // requests for access and the time-boxed grants the policy's HAS_ACCESS_GRANT rule
        // reads; expiry is checked against the clock, the task only tidies the status column
        const accessRequests = createAccessRequestsService({
          db,
          catalog,
          permissions,
          audit,
          notifications,
          logger,
        });
        registerKamlDEntityPermissions({
          permissionsRegistry,
          catalog,
          auth,
          accessRequests,
        });
        await scheduler.scheduleTask({
          id: 'kaml-d-access-request-expiry',
          frequency: { minutes: 15 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 30 },
          fn: async () => {
            const expired = await accessRequests.markExpired();
            if (expired > 0) {
              logger.info(`Marked ${expired} access requests as expired`);
            }
          },
        });

        const observationConfig = readObservationConfig(config);
        const observation = createObservationService({
          config: observationConfig,
          catalog,
          cache,
          logger,
        });

        // folders already in storage registered as datasets (kaml-d:dataset:register)
        const registration = createDatasetRegistrationService({
          claims,
          events,
          permissions,
          storage,
          logger,
          catalog,
          auth,
          userInfo,
          audit,
        });

        const runs = createRunsService({
          cluster: readKamlDClusterAccess(config),
          catalog,
          cache,
          telemetry: observationConfig.telemetry,
          pastLogSource:
            observationConfig.telemetry &&
            createPastLogSource(
              observationConfig.telemetry,
              observationConfig.timeoutMs,
            ),
        });

        const modelVersions = createModelVersionsService({
          db,
          catalog,
          permissions,
          audit,
        });
        const notebooksConfig = readNotebooksConfig(config);
        const notebooks = notebooksConfig
          ? createNotebooksService({
              config: notebooksConfig,
              catalog,
              permissions,
              storage,
              bindings,
              snapshots,
              modelVersions,
            })
          : undefined;
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
            {
              name: 'storage',
              kind: storage.defaultAdapter.type,
              check: () => storage.check(),
            },
            ...engines.engines.map(engine => ({
              name:
                engines.engines.length > 1
                  ? `query-engine:${engine.id}`
                  : 'query-engine',
              kind: engine.id,
              check: () => engine.check(),
            })),
            ...(notebooks
              ? [
                  {
                    name: 'notebooks',
                    kind: 'jupyterhub',
                    check: () => notebooks.check(),
                  },
                ]
              : []),
          ],
        });

        // the embedded demo only (kamlD.demo.seed, off unless enabled): snapshots of the demo
        // datasets and versions of the demo models, through the same services as the routes
        const demoSeed = readDemoSeedConfig(config);
        if (demoSeed) {
          await scheduleDemoSeed({
            scheduler,
            file: demoSeed.file,
            logger,
            seeder: createDemoSeeder({
              snapshots,
              modelVersions,
              logger,
              credentials: () => auth.getOwnServiceCredentials(),
            }),
          });
        }
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            audit,
            health,
            datasets,
            storage,
            observation,
            runs,
            registration,
            snapshots,
            modelVersions,
            accessRequests,
            schemas,
            notebooks,
          }),
        );
        // the same services for AI assistants (MCP), with the caller's credentials
        registerKamlDActions({
          actionsRegistry,
          catalog,
          datasets,
          modelVersions,
          observation,
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
