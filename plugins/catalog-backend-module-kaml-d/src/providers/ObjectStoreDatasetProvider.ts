import {
  AuthService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  CatalogService,
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import { DatasetEntityV1alpha1 } from '@kaml-d/plugin-kaml-d-common';
import {
  DatasetBindingPolicy,
  DatasetUploadedEvent,
  isHiddenDatasetFolder,
  KAML_D_OBJECT_STORE_PROVIDER_TYPE,
  KAML_D_DATASET_EVENTS_TOPIC,
  readDatasetBindingPolicy,
  readStorageConfig,
  StorageAdapter,
  StorageConfig,
} from '@kaml-d/plugin-kaml-d-node';
import { mapWithConcurrency } from './concurrency';
import {
  ObjectStoreProviderConfig,
  readObjectStoreProviderConfigs,
} from './config';
import { declaredDatasetLocations, normaliseLocation } from './entities';
import {
  errorMessage,
  objectStoreLocation,
  readObjectStoreDataset,
} from './objectStoreDataset';
import { uploadedDatasetOf } from './objectStoreUploads';
import { ChangeFeed, startChangeFeed } from './changeFeeds';
import { applyFolderChanges } from './folderDelta';
import { datasetFolderOf, folderOfLocation, rescanOf } from './folderChanges';
import { storageAdapterFactory } from './storageAdapters';

export { DATASET_MANIFEST_NAME } from './objectStoreDataset';
/** Type part of the provider names (`kaml-d-object-store:<id>`). */
export const OBJECT_STORE_PROVIDER_TYPE = KAML_D_OBJECT_STORE_PROVIDER_TYPE;

/**
 * What one scan did.
 *
 * @public
 */
export interface ObjectStoreScanResult {
  /** Entities emitted. */
  datasets: number;
  /** Prefixes skipped because an admin-bound Dataset (mapping, trusted origin) declares them. */
  declared: number;
  /** Prefixes that failed (logged) and were left out. */
  failed: number;
}

/**
 * Options of {@link ObjectStoreDatasetProvider.fromConfig}.
 *
 * @public
 */
export interface ObjectStoreDatasetProviderOptions {
  logger: LoggerService;
  auth: AuthService;
  catalog: CatalogService;
  /** Full scans are scheduled with it (or pass `schedule`). */
  scheduler?: SchedulerService;
  /** A runner to use instead of the configured schedule (tests, manual triggering). */
  schedule?: SchedulerServiceTaskRunner;
  /** Upload events arrive through it; without it only full scans run. */
  events?: EventsService;
  /** The store to list; by default the one configured under `kamlD.storage` (`file` or `s3`). */
  adapter?: StorageAdapter;
  /** The storage binding rule; by default read from the same configuration. */
  bindingPolicy?: DatasetBindingPolicy;
  /** `kamlD.storage`, for the change feed (file watcher, MinIO notifications). */
  storage?: StorageConfig;
}

/**
 * Discovers datasets in object storage: each folder directly under the configured prefix is one
 * Dataset. Sizes, object counts and modification times come from listings (no request per
 * object); the format from file extensions; the schema from the header of one file (a ranged
 * read of a CSV/TSV/JSON lines head or a Parquet footer). A `catalog-info.yaml` manifest in the
 * folder (written by the upload route) supplies the entity, completed with those figures.
 *
 * Folders that an admin-bound Dataset declares (an entry of `kamlD.bindings.mappings`, or an
 * entity from a trusted origin such as `catalog/datasets.yaml`) are skipped, so a dataset is never
 * in the catalog twice; an entity from any other source never makes discovery back off.
 *
 * @public
 */
export class ObjectStoreDatasetProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly logger: LoggerService;
  private feed?: ChangeFeed;
  /** The entity name each dataset folder gave last (so a removed folder's entity is known). */
  private readonly names = new Map<string, string>();

  static fromConfig(
    config: Config,
    options: ObjectStoreDatasetProviderOptions,
  ): ObjectStoreDatasetProvider[] {
    const entries = readObjectStoreProviderConfigs(config);
    if (entries.length === 0) return [];
    const adapterFor = storageAdapterFactory(config, options.adapter);
    const deps = {
      ...options,
      bindingPolicy: options.bindingPolicy ?? readDatasetBindingPolicy(config),
      storage:
        options.storage ??
        (options.adapter ? undefined : readStorageConfig(config)),
    };
    return entries.map(entry => {
      const taskRunner =
        options.schedule ??
        options.scheduler?.createScheduledTaskRunner(entry.schedule);
      if (!taskRunner) {
        throw new Error(
          'ObjectStoreDatasetProvider needs a scheduler or a schedule',
        );
      }
      return new ObjectStoreDatasetProvider(
        entry,
        adapterFor(entry.bucket),
        taskRunner,
        deps,
      );
    });
  }

  private constructor(
    private readonly config: ObjectStoreProviderConfig,
    private readonly adapter: StorageAdapter,
    private readonly taskRunner: SchedulerServiceTaskRunner,
    private readonly deps: ObjectStoreDatasetProviderOptions & {
      bindingPolicy: DatasetBindingPolicy;
    },
  ) {
    this.logger = deps.logger.child({ target: this.getProviderName() });
  }

  getProviderName(): string {
    return `${OBJECT_STORE_PROVIDER_TYPE}:${this.config.id}`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    const id = `${this.getProviderName()}:refresh`;
    await this.taskRunner.run({
      id,
      fn: async () => {
        const logger = this.logger.child({ taskId: id });
        try {
          await this.refresh(logger);
        } catch (error) {
          logger.error(
            `Dataset discovery in ${this.rootLocation()} failed: ${errorMessage(
              error,
            )}`,
          );
        }
      },
    });
    await this.deps.events?.subscribe({
      id: this.getProviderName(),
      topics: [KAML_D_DATASET_EVENTS_TOPIC],
      onEvent: params => this.onEvent(params),
    });
    if (this.config.watchChanges && this.deps.storage) {
      this.feed = startChangeFeed({
        storage: this.deps.storage,
        bucket: this.config.bucket,
        prefix: this.config.prefix,
        logger: this.logger,
        onKeys: keys => {
          this.applyChanges(keys).catch(error =>
            this.logger.error(
              `Could not apply changes in ${this.rootLocation()}: ${errorMessage(
                error,
              )}`,
            ),
          );
        },
      });
      if (this.feed) {
        this.logger.info(
          `Applying changes in ${this.rootLocation()} as they happen (${
            this.feed.kind
          })`,
        );
      }
    }
  }

  /** Stops the change feed. */
  close(): void {
    this.feed?.close();
  }

  /** Re-reads the dataset folders the changed keys belong to and applies them as a delta. */
  async applyChanges(
    keys: string[],
  ): Promise<{ added: string[]; removed: string[] }> {
    const folders = [
      ...new Set(
        keys
          .map(key => datasetFolderOf(key, this.config.prefix))
          .filter((f): f is string => f !== undefined),
      ),
    ];
    if (folders.length === 0) return { added: [], removed: [] };
    const declared = await declaredDatasetLocations(
      this.deps.catalog,
      this.deps.auth,
      this.deps.bindingPolicy,
    );
    return applyFolderChanges({
      folders: folders.filter(
        f => !declared.has(normaliseLocation(this.locationOf(f))),
      ),
      names: this.names,
      prefix: this.config.prefix,
      locationKey: this.getProviderName(),
      read: folder => this.readDataset(folder),
      connection: this.requireConnection(),
      logger: this.logger,
    });
  }

  /** Lists every dataset folder and replaces this provider's entities (full mutation). */
  async refresh(
    logger: LoggerService = this.logger,
  ): Promise<ObjectStoreScanResult> {
    const connection = this.requireConnection();
    const started = Date.now();
    const { bucket, prefix } = this.config;
    const declared = await declaredDatasetLocations(
      this.deps.catalog,
      this.deps.auth,
      this.deps.bindingPolicy,
    );
    const listed = await this.adapter.listLevel(bucket, prefix);
    // dot-folders (the snapshot store .kaml-d-snapshots/, partial uploads) are never datasets
    const top = {
      ...listed,
      prefixes: listed.prefixes.filter(
        p => !isHiddenDatasetFolder(p.slice(prefix.length)),
      ),
    };
    const candidates = top.prefixes.filter(
      p => !declared.has(normaliseLocation(this.locationOf(p))),
    );
    let failed = 0;
    const found = await mapWithConcurrency(
      candidates,
      this.config.concurrency,
      async datasetPrefix => {
        try {
          return await this.readDataset(datasetPrefix);
        } catch (error) {
          failed++;
          logger.warn(
            `Skipped ${this.locationOf(datasetPrefix)}: ${errorMessage(error)}`,
          );
          return undefined;
        }
      },
    );
    const names = new Set<string>();
    const entities: DeferredEntity[] = [];
    this.names.clear();
    for (const [index, entity] of found.entries()) {
      if (!entity) continue;
      if (names.has(entity.metadata.name)) {
        logger.warn(
          `Skipped ${entity.spec.location}: another folder already gave a dataset the name "${entity.metadata.name}"`,
        );
        continue;
      }
      names.add(entity.metadata.name);
      this.names.set(candidates[index], entity.metadata.name);
      entities.push({ entity, locationKey: this.getProviderName() });
    }
    await connection.applyMutation({ type: 'full', entities });
    const result = {
      datasets: entities.length,
      declared: top.prefixes.length - candidates.length,
      failed,
    };
    logger.info(
      `Discovered ${result.datasets} dataset(s) in ${this.rootLocation()} in ${
        Date.now() - started
      } ms (${result.declared} declared elsewhere, ${failed} failed)`,
    );
    return result;
  }

  /**
   * Adds the dataset of an upload event at once (delta mutation); a `rescan` event re-reads one
   * folder (its `location`) or, without one, the whole store.
   */
  async onEvent(params: EventParams): Promise<void> {
    const rescan = rescanOf(params);
    if (rescan) {
      if (rescan.location === undefined) {
        await this.refresh();
        return;
      }
      const folder = folderOfLocation(
        rescan.location,
        this.config.bucket,
        this.config.prefix,
      );
      if (folder) await this.applyChanges([folder]);
      return;
    }
    const upload = uploadedDatasetOf(params, this.config);
    if (!upload) return;
    const { event, datasetPrefix } = upload;
    const connection = this.requireConnection();
    try {
      const declared = await declaredDatasetLocations(
        this.deps.catalog,
        this.deps.auth,
        this.deps.bindingPolicy,
      );
      if (declared.has(normaliseLocation(this.locationOf(datasetPrefix)))) {
        return;
      }
      const entity = await this.readDataset(datasetPrefix, event);
      if (!entity) return;
      await connection.applyMutation({
        type: 'delta',
        added: [{ entity, locationKey: this.getProviderName() }],
        removed: [],
      });
      this.logger.info(
        `Added uploaded dataset ${entity.metadata.name} (${entity.spec.location})`,
      );
    } catch (error) {
      this.logger.error(
        `Could not add the uploaded dataset ${event.location}: ${errorMessage(
          error,
        )}`,
      );
    }
  }

  /**
   * The Dataset entity of one folder, or undefined when it holds neither data nor a manifest.
   * One recursive listing, at most one manifest read and one or two ranged reads.
   */
  async readDataset(
    datasetPrefix: string,
    event?: DatasetUploadedEvent,
  ): Promise<DatasetEntityV1alpha1 | undefined> {
    return readObjectStoreDataset(
      {
        config: this.config,
        adapter: this.adapter,
        providerName: this.getProviderName(),
        logger: this.logger,
      },
      datasetPrefix,
      event,
    );
  }

  private locationOf(datasetPrefix: string): string {
    return objectStoreLocation(this.config.bucket, datasetPrefix);
  }

  private rootLocation(): string {
    return objectStoreLocation(this.config.bucket, this.config.prefix);
  }

  private requireConnection(): EntityProviderConnection {
    if (!this.connection) {
      throw new Error(
        `${this.getProviderName()} is not connected to the catalog yet`,
      );
    }
    return this.connection;
  }
}
