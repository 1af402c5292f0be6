import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';

/** Owner of discovered datasets when a provider entry names none. */
export const DEFAULT_DISCOVERY_OWNER = 'unknown';
/** Lifecycle of discovered datasets when a provider entry names none. */
export const DEFAULT_DISCOVERY_LIFECYCLE = 'experimental';
/** Full scans of a provider entry when it has no `schedule`. */
export const DEFAULT_DISCOVERY_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { minutes: 30 },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 15 },
  };
/** Dataset prefixes listed and read at once during a scan. */
export const DEFAULT_DISCOVERY_CONCURRENCY = 16;
/** User the Trino provider connects as when none is configured. */
export const DEFAULT_TRINO_DISCOVERY_USER = 'kaml-d';
/** Seconds one information_schema query may run. */
export const DEFAULT_TRINO_QUERY_TIMEOUT_SECONDS = 60;
/** Schemas never turned into datasets. */
export const TRINO_SYSTEM_SCHEMAS = ['information_schema'];

/**
 * One `catalog.providers.kamlD.objectStore[]` entry.
 *
 * @public
 */
export interface ObjectStoreProviderConfig {
  id: string;
  bucket: string;
  /** Folder whose sub-folders are datasets; empty for the bucket root, else ends with `/`. */
  prefix: string;
  owner: string;
  lifecycle: string;
  system?: string;
  concurrency: number;
  /** Whether changes in the store are applied as they happen (see `watchChanges`). */
  watchChanges: boolean;
  schedule: SchedulerServiceTaskScheduleDefinition;
}

/**
 * One `catalog.providers.kamlD.trino[]` entry.
 *
 * @public
 */
export interface TrinoProviderConfig {
  id: string;
  host: string;
  port: number;
  ssl: boolean;
  user: string;
  password?: string;
  catalog: string;
  /** Schemas to read; every schema of the catalog (one extra query) when absent. */
  schemas?: string[];
  owner: string;
  lifecycle: string;
  system?: string;
  queryTimeoutSeconds: number;
  schedule: SchedulerServiceTaskScheduleDefinition;
}

const ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;

function readId(config: Config, section: string, index: number): string {
  const id = config.getString('id');
  if (!ID_PATTERN.test(id)) {
    throw new Error(
      `catalog.providers.kamlD.${section}[${index}].id must be letters, digits, "-" or "_", got "${id}"`,
    );
  }
  return id;
}

function readSchedule(config: Config): SchedulerServiceTaskScheduleDefinition {
  return config.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig('schedule'),
      )
    : DEFAULT_DISCOVERY_SCHEDULE;
}

function entries(root: Config, section: string): Config[] {
  return (
    root.getOptionalConfigArray(`catalog.providers.kamlD.${section}`) ?? []
  );
}

function unique<T extends { id: string }>(list: T[], section: string): T[] {
  const seen = new Set<string>();
  for (const item of list) {
    if (seen.has(item.id)) {
      throw new Error(
        `catalog.providers.kamlD.${section} has two entries with id "${item.id}"; give each a distinct id`,
      );
    }
    seen.add(item.id);
  }
  return list;
}

/**
 * Reads `catalog.providers.kamlD.objectStore`. An entry names its datasets' parent either as
 * `location: s3://bucket/prefix/` or as `bucket` (and optional `prefix`).
 *
 * @public
 */
export function readObjectStoreProviderConfigs(
  root: Config,
): ObjectStoreProviderConfig[] {
  return unique(
    entries(root, 'objectStore').map((config, index) => {
      const id = readId(config, 'objectStore', index);
      const where = `catalog.providers.kamlD.objectStore[${index}]`;
      let bucket = config.getOptionalString('bucket');
      let prefix = config.getOptionalString('prefix') ?? '';
      const location = config.getOptionalString('location');
      if (location) {
        const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
        if (!match) {
          throw new Error(
            `${where}.location must look like s3://bucket/prefix/, got "${location}"`,
          );
        }
        bucket = match[1];
        prefix = match[2];
      }
      if (!bucket) {
        throw new Error(
          `${where} needs a bucket: set location (s3://bucket/prefix/) or bucket`,
        );
      }
      prefix = prefix.replace(/^\/+/, '');
      if (prefix && !prefix.endsWith('/')) prefix += '/';
      const concurrency =
        config.getOptionalNumber('concurrency') ??
        DEFAULT_DISCOVERY_CONCURRENCY;
      if (!Number.isInteger(concurrency) || concurrency <= 0) {
        throw new Error(
          `${where}.concurrency must be a positive whole number, got ${concurrency}`,
        );
      }
      return {
        id,
        bucket,
        prefix,
        owner: config.getOptionalString('owner') ?? DEFAULT_DISCOVERY_OWNER,
        lifecycle:
          config.getOptionalString('lifecycle') ?? DEFAULT_DISCOVERY_LIFECYCLE,
        system: config.getOptionalString('system'),
        concurrency,
        watchChanges: config.getOptionalBoolean('watchChanges') ?? true,
        schedule: readSchedule(config),
      };
    }),
    'objectStore',
  );
}

function defaultPort(ssl: boolean): number {
  return ssl ? 443 : 80;
}

/**
 * Reads `catalog.providers.kamlD.trino`.
 *
 * @public
 */
export function readTrinoProviderConfigs(root: Config): TrinoProviderConfig[] {
  return unique(
    entries(root, 'trino').map((config, index) => {
      const id = readId(config, 'trino', index);
      const where = `catalog.providers.kamlD.trino[${index}]`;
      const server = config.getString('server');
      let url: URL;
      try {
        url = new URL(server);
      } catch {
        throw new Error(
          `${where}.server must be a URL such as http://trino:8080, got "${server}"`,
        );
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new Error(
          `${where}.server must use http or https, got "${url.protocol}"`,
        );
      }
      const ssl = url.protocol === 'https:';
      const timeout =
        config.getOptionalNumber('queryTimeoutSeconds') ??
        DEFAULT_TRINO_QUERY_TIMEOUT_SECONDS;
      if (!(timeout > 0)) {
        throw new Error(
          `${where}.queryTimeoutSeconds must be a positive number, got ${timeout}`,
        );
      }
      return {
        id,
        host: url.hostname,
        port: url.port ? Number(url.port) : defaultPort(ssl),
        ssl,
        user: config.getOptionalString('user') ?? DEFAULT_TRINO_DISCOVERY_USER,
        password: config.getOptionalString('password'),
        catalog: config.getString('catalog'),
        schemas: config.getOptionalStringArray('schemas'),
        owner: config.getOptionalString('owner') ?? DEFAULT_DISCOVERY_OWNER,
        lifecycle:
          config.getOptionalString('lifecycle') ?? DEFAULT_DISCOVERY_LIFECYCLE,
        system: config.getOptionalString('system'),
        queryTimeoutSeconds: timeout,
        schedule: readSchedule(config),
      };
    }),
    'trino',
  );
}
