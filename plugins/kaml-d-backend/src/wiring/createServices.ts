import {
  AuthService,
  CacheService,
  DiscoveryService,
  LifecycleService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  RootConfigService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  QueryEngine,
  StorageAdapter,
  readDatasetBindingPolicy,
  readKamlDClusterAccess,
} from '@kaml-d/plugin-kaml-d-node';
import { Knex } from 'knex';
import { createAuditLogService } from '../services/Audit';
import { createTrainingRuntimesService } from '../services/TrainingRuntimes';
import {
  createAccessRequestsService,
  registerKamlDEntityPermissions,
} from '../services/AccessRequests';
import { createDatasetRegistrationService } from '../services/DatasetRegistration';
import {
  createDatasetNameClaims,
  createDatasetsService,
  createSchemaReader,
} from '../services/Datasets';
import { createModelVersionsService } from '../services/ModelVersions';
import {
  createNotebooksService,
  readNotebooksConfig,
} from '../services/Notebooks';
import {
  createObservationService,
  readObservationConfig,
} from '../services/Observation';
import {
  createQueryEngineService,
  readQueryConfig,
} from '../services/QueryEngine';
import { createRunsService } from '../services/Runs';
import {
  createSnapshotsService,
  readSnapshotsConfig,
} from '../services/Snapshots';
import { volumeSnapshotsFromConfig } from '../services/Snapshots/volumes';
import {
  createLinkSigner,
  createStorageService,
  loadSigningSecret,
  readStorageConfig,
} from '../services/Storage';
import { createStorageBindingsService } from '../services/StorageBindings';
import { createPastLogSource } from '../services/Telemetry';
import { createBackendHealth } from './health';

/** What the KAML-D services are built from: Backstage's services and the plugin database. */
export interface KamlDServiceDeps {
  config: RootConfigService;
  logger: LoggerService;
  db: Knex;
  cache: CacheService;
  discovery: DiscoveryService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  auth: AuthService;
  userInfo: UserInfoService;
  notifications: NotificationService;
  catalog: CatalogService;
  events: EventsService;
  lifecycle: LifecycleService;
  /** Adapters and engines other backend modules added through the extension points. */
  storageAdapters: StorageAdapter[];
  queryEngines: QueryEngine[];
}

/** The KAML-D backend's services, wired together from configuration. */
export type KamlDServices = ReturnType<typeof createKamlDServices>;

/**
 * Builds every KAML-D service from configuration and the plugin's dependencies: storage and
 * query engines first, then the dataset, snapshot, governance, observation and notebook
 * services that use them, and the health probes over all of them.
 */
export function createKamlDServices(deps: KamlDServiceDeps) {
  const { config, logger, db, cache, catalog, permissions, auth } = deps;
  const audit = createAuditLogService({ db });
  const storageConfig = readStorageConfig(config);
  const storage = createStorageService({
    config: storageConfig,
    cache: cache.withOptions({
      defaultTtl: { seconds: storageConfig.summaryCacheSeconds },
    }),
    discovery: deps.discovery,
    signer: createLinkSigner(async () =>
      storageConfig.file.signingSecret
        ? Buffer.from(storageConfig.file.signingSecret)
        : loadSigningSecret(db),
    ),
    extraAdapters: deps.storageAdapters,
  });
  const engines = createQueryEngineService({
    config: readQueryConfig(config),
    extraEngines: deps.queryEngines,
  });
  // the engines' workers and connections end with the plugin
  deps.lifecycle.addShutdownHook(async () => {
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
    volumes: volumeSnapshotsFromConfig({ config, db, audit, logger }),
  });
  // one upload or registration per new dataset name and folder, across replicas
  const claims = createDatasetNameClaims({ db, logger });
  // the engines read every schema: Schema tab, profiles and the catalog's Datasets
  const schemas = createSchemaReader({ engines, cache, storage });
  const datasets = createDatasetsService({
    schemas,
    claims,
    previewCache: {
      enabled: config.getOptionalBoolean('kamlD.query.previewCache.enabled'),
    },
    bindings,
    catalog,
    permissions,
    storage,
    engines,
    cache,
    events: deps.events,
    logger,
    maxUploadBytes: storageConfig.maxUploadBytes,
    audit,
    auth,
    userInfo: deps.userInfo,
    snapshots,
  });

  // requests for access and the time-boxed grants the policy's HAS_ACCESS_GRANT rule reads
  const accessRequests = createAccessRequestsService({
    db,
    catalog,
    permissions,
    audit,
    notifications: deps.notifications,
    logger,
  });
  registerKamlDEntityPermissions({
    permissionsRegistry: deps.permissionsRegistry,
    catalog,
    auth,
    accessRequests,
  });

  const observationConfig = readObservationConfig(config, logger);
  const observation = createObservationService({
    config: observationConfig,
    catalog,
    cache,
    logger,
  });
  // folders already in storage registered as datasets (kaml-d:dataset:register)
  const registration = createDatasetRegistrationService({
    claims,
    events: deps.events,
    permissions,
    storage,
    logger,
    catalog,
    auth,
    userInfo: deps.userInfo,
    audit,
  });
  const runs = createRunsService({
    cluster: readKamlDClusterAccess(config, { logger }),
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
  const health = createBackendHealth({
    config,
    db,
    storage,
    engines,
    notebooks,
  });
  const trainingRuntimes = createTrainingRuntimesService({
    cluster: readKamlDClusterAccess(config, { logger }),
    catalog,
    permissions,
  });

  return {
    storageConfig,
    audit,
    storage,
    engines,
    snapshots,
    schemas,
    datasets,
    accessRequests,
    observation,
    registration,
    runs,
    modelVersions,
    notebooks,
    trainingRuntimes,
    health,
  };
}
