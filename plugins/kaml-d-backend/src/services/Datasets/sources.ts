import { InputError } from '@backstage/errors';
import { DatasetSource, TabularFormat } from '@kaml-d/plugin-kaml-d-node';
import {
  DatasetEntity,
  TABULAR_DATASET_FORMATS,
} from '@kaml-d/plugin-kaml-d-common';
import { StorageService } from '../Storage';

const TABULAR: readonly string[] = TABULAR_DATASET_FORMATS;

/** Whether a dataset format is one the query engines read as a table. */
export function isTabularFormat(format: string): format is TabularFormat {
  return TABULAR.includes(format);
}

/** A Trino location `trino://catalog/schema/table`, split and checked. */
export function parseTrinoLocation(uri: string): {
  catalog: string;
  schema: string;
  table: string;
} {
  const match = /^trino:\/\/([^/]+)\/([^/]+)\/([^/]+)\/?$/.exec(uri);
  if (!match) {
    throw new InputError(
      `Dataset location "${uri}" is not a Trino table; write it as trino://catalog/schema/table.`,
    );
  }
  const [catalog, schema, table] = match.slice(1).map(decodeURIComponent);
  return { catalog, schema, table };
}

/**
 * Where an engine reads a dataset: a Trino table for `trino://`, objects of the storage service
 * for `s3://` and `file://` (tabular formats only). `name` is the name the dataset has in SQL.
 */
export function sourceOf(
  entity: DatasetEntity,
  name: string,
  storage: StorageService,
): DatasetSource {
  const { location, format } = entity.spec;
  if (location.startsWith('trino://')) {
    return { kind: 'table', name, ...parseTrinoLocation(location) };
  }
  if (!isTabularFormat(format)) {
    throw new InputError(
      `Dataset "${entity.metadata.name}" holds ${format} files, which are not a table; browse its files instead.`,
    );
  }
  const objects = storage.resolveLocation(location);
  return {
    kind: 'objects',
    name,
    format,
    storage: objects.adapter,
    bucket: objects.bucket,
    prefix: objects.prefix,
  };
}
