import {
  AuthService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { isError } from '@backstage/errors';
import {
  CatalogService,
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KAML_D_TRINO_TABLE,
  DatasetColumn,
} from '@kaml-d/plugin-kaml-d-common';
import {
  DatasetBindingPolicy,
  KAML_D_TRINO_PROVIDER_TYPE,
  readDatasetBindingPolicy,
} from '@kaml-d/plugin-kaml-d-node';
import { Client } from 'presto-client';
import {
  readTrinoProviderConfigs,
  TRINO_SYSTEM_SCHEMAS,
  TrinoProviderConfig,
} from './config';
import {
  declaredDatasetLocations,
  discoveredEntity,
  normaliseLocation,
  toEntityName,
} from './entities';
import { columnsQuery, schemasQuery } from './trinoSql';

/** Type part of the provider names (`kaml-d-trino:<id>`). */
export const TRINO_PROVIDER_TYPE = KAML_D_TRINO_PROVIDER_TYPE;
/**
 * Format given to table datasets: information_schema does not say how a table is stored, and
 * the query engines read `trino://` datasets as tables whatever their format.
 */
export const TRINO_TABLE_FORMAT = 'parquet';

/**
 * Runs one read-only statement and returns its rows.
 *
 * @public
 */
export type TrinoStatementRunner = (sql: string) => Promise<unknown[][]>;

/**
 * Options of {@link TrinoDatasetProvider.fromConfig}.
 *
 * @public
 */
export interface TrinoDatasetProviderOptions {
  logger: LoggerService;
  auth: AuthService;
  catalog: CatalogService;
  scheduler?: SchedulerService;
  /** A runner to use instead of the configured schedule. */
  schedule?: SchedulerServiceTaskRunner;
  /** Runs statements instead of a `presto-client` connection (tests). */
  runner?: (config: TrinoProviderConfig) => TrinoStatementRunner;
  /** The storage binding rule; by default read from the same configuration. */
  bindingPolicy?: DatasetBindingPolicy;
}

/**
 * What one scan did.
 *
 * @public
 */
export interface TrinoScanResult {
  datasets: number;
  schemas: number;
  /** Statements sent to Trino: one per schema, plus one when the schemas were listed. */
  queries: number;
  declared: number;
}

/**
 * Discovers Trino tables as Dataset entities (`trino://catalog/schema/table`) with their columns
 * and types: one `information_schema.columns` query per schema (never one per table), plus one
 * `information_schema.schemata` query when the entry does not list its schemas. Tables an
 * admin-bound Dataset declares (mapping, trusted origin) are skipped.
 *
 * @public
 */
export class TrinoDatasetProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly logger: LoggerService;

  static fromConfig(
    config: Config,
    options: TrinoDatasetProviderOptions,
  ): TrinoDatasetProvider[] {
    const deps = {
      ...options,
      bindingPolicy: options.bindingPolicy ?? readDatasetBindingPolicy(config),
    };
    return readTrinoProviderConfigs(config).map(entry => {
      const taskRunner =
        options.schedule ??
        options.scheduler?.createScheduledTaskRunner(entry.schedule);
      if (!taskRunner) {
        throw new Error('TrinoDatasetProvider needs a scheduler or a schedule');
      }
      const runner = options.runner?.(entry) ?? prestoRunner(entry);
      return new TrinoDatasetProvider(entry, runner, taskRunner, deps);
    });
  }

  private constructor(
    private readonly config: TrinoProviderConfig,
    private readonly run: TrinoStatementRunner,
    private readonly taskRunner: SchedulerServiceTaskRunner,
    private readonly deps: TrinoDatasetProviderOptions & {
      bindingPolicy: DatasetBindingPolicy;
    },
  ) {
    this.logger = deps.logger.child({ target: this.getProviderName() });
  }

  getProviderName(): string {
    return `${TRINO_PROVIDER_TYPE}:${this.config.id}`;
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
            `Trino discovery in catalog ${this.config.catalog} failed: ${
              isError(error) ? error.message : String(error)
            }`,
          );
        }
      },
    });
  }

  /** Reads every table of the configured schemas and replaces this provider's entities. */
  async refresh(logger: LoggerService = this.logger): Promise<TrinoScanResult> {
    if (!this.connection) {
      throw new Error(
        `${this.getProviderName()} is not connected to the catalog yet`,
      );
    }
    const started = Date.now();
    const { catalog } = this.config;
    let queries = 0;
    let schemas = this.config.schemas;
    if (!schemas) {
      const rows = await this.run(schemasQuery(catalog, TRINO_SYSTEM_SCHEMAS));
      queries++;
      schemas = rows.map(row => String(row[0]));
    }
    const declared = await declaredDatasetLocations(
      this.deps.catalog,
      this.deps.auth,
      this.deps.bindingPolicy,
    );
    const entities: DeferredEntity[] = [];
    let skipped = 0;
    for (const schema of schemas) {
      const rows = await this.run(columnsQuery(catalog, schema));
      queries++;
      const tables = new Map<string, DatasetColumn[]>();
      for (const [table, column, type] of rows) {
        const name = String(table);
        const columns = tables.get(name) ?? [];
        columns.push({ name: String(column), type: String(type) });
        tables.set(name, columns);
      }
      for (const [table, columns] of tables) {
        const location = `trino://${[catalog, schema, table]
          .map(encodeURIComponent)
          .join('/')}`;
        if (declared.has(normaliseLocation(location))) {
          skipped++;
          continue;
        }
        const entity = discoveredEntity(this.getProviderName(), {
          name: toEntityName(`${catalog}-${schema}-${table}`),
          title: `${catalog}.${schema}.${table}`,
          description: `Trino table ${catalog}.${schema}.${table} (${columns.length} columns).`,
          location,
          format: TRINO_TABLE_FORMAT,
          owner: this.config.owner,
          lifecycle: this.config.lifecycle,
          system: this.config.system,
          columns,
          annotations: {
            [ANNOTATION_KAML_D_TRINO_TABLE]: `${catalog}.${schema}.${table}`,
          },
        });
        entities.push({ entity, locationKey: this.getProviderName() });
      }
    }
    await this.connection.applyMutation({ type: 'full', entities });
    logger.info(
      `Discovered ${entities.length} table(s) in ${
        schemas.length
      } schema(s) of ${catalog} with ${queries} queries in ${
        Date.now() - started
      } ms (${skipped} declared elsewhere)`,
    );
    return {
      datasets: entities.length,
      schemas: schemas.length,
      queries,
      declared: skipped,
    };
  }
}

/**
 * Runs statements through `presto-client` with `engine: 'trino'` (the default runner).
 *
 * @public
 */
export function prestoRunner(
  config: TrinoProviderConfig,
): TrinoStatementRunner {
  const client = new Client({
    host: config.host,
    port: config.port,
    user: config.user,
    catalog: config.catalog,
    source: 'kaml-d-discovery',
    engine: 'trino',
    timeout: config.queryTimeoutSeconds,
    ...(config.ssl ? { ssl: {} } : {}),
    ...(config.password
      ? { basic_auth: { user: config.user, password: config.password } }
      : {}),
  });
  return sql =>
    new Promise((resolve, reject) => {
      const rows: unknown[][] = [];
      client.execute({
        query: sql,
        data: (_error, data) => {
          rows.push(...data);
        },
        success: () => resolve(rows),
        error: error =>
          reject(
            new Error(
              `Trino refused ${sql.slice(0, 80)}…: ${trinoMessage(error)}`,
            ),
          ),
      });
    });
}

function trinoMessage(error: unknown): string {
  if (isError(error)) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String(error.message);
  }
  return String(error);
}
