import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  DatasetColumn,
  DatasetColumnType,
  isDatasetEntity,
  parseMediaFacts,
} from '@kaml-d/plugin-kaml-d-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { kamlDApiRef } from '../../api';
import { ClassificationBadge } from '../DatasetPage/ClassificationBadge';
import { serverMessage } from '../shared/errors';
import { isMediaFormat } from '../shared/MediaSummary';
import { DatasetMediaContent } from './DatasetMediaContent';
import { SnapshotSelect, useSnapshotParam } from './SnapshotSelect';
import { useDatasetName } from './useDatasetName';

/** A column as the engine reads it, with what the entity declares about it. */
export interface SchemaRow {
  name: string;
  /** Type as the engine reads it; absent for a declared column the data does not have. */
  engineType?: string;
  declared?: DatasetColumn;
}

/** Engine columns in their order, each with its declaration; declared-only columns last. */
export function mergeSchema(
  engine: DatasetColumnType[],
  declared: DatasetColumn[],
): SchemaRow[] {
  const byName = new Map(declared.map(c => [c.name.toLowerCase(), c]));
  const rows: SchemaRow[] = engine.map(column => ({
    name: column.name,
    engineType: column.type,
    declared: byName.get(column.name.toLowerCase()),
  }));
  const seen = new Set(engine.map(c => c.name.toLowerCase()));
  for (const column of declared) {
    if (!seen.has(column.name.toLowerCase())) {
      rows.push({ name: column.name, declared: column });
    }
  }
  return rows;
}

const columns: TableColumn<SchemaRow>[] = [
  { title: 'Column', field: 'name', highlight: true },
  {
    title: 'Type',
    field: 'engineType',
    render: row =>
      row.engineType ?? (
        <Typography variant="body2" color="textSecondary">
          Declared, not in the data
        </Typography>
      ),
  },
  { title: 'Declared type', render: row => row.declared?.type },
  {
    title: 'Classification',
    render: row =>
      row.declared?.classification ? (
        <ClassificationBadge classification={row.declared.classification} />
      ) : null,
  },
  { title: 'Description', render: row => row.declared?.description },
];

/**
 * The Schema tab of a Dataset: columns and types from the engine (now or at a snapshot),
 * classifications declared; for images and audio in object storage, which have no columns, the
 * files by extension and their measured dimensions or durations.
 */
export function DatasetSchemaContent() {
  const { entity } = useEntity();
  if (
    isDatasetEntity(entity) &&
    isMediaFormat(entity.spec.format) &&
    !entity.spec.location.startsWith('trino://')
  ) {
    return (
      <DatasetMediaContent
        format={entity.spec.format}
        facts={parseMediaFacts(entity)}
      />
    );
  }
  return <EngineSchemaContent />;
}

function EngineSchemaContent() {
  const api = useApi(kamlDApiRef);
  const { entity } = useEntity();
  const dataset = useDatasetName();
  const { namespace, name } = dataset;
  const [snapshot] = useSnapshotParam();
  const { value, loading, error } = useAsync(
    () =>
      snapshot
        ? api.getDatasetSchema({ namespace, name }, snapshot)
        : api.getDatasetSchema({ namespace, name }),
    [api, namespace, name, snapshot],
  );
  const declared = isDatasetEntity(entity)
    ? entity.spec.schema?.columns ?? []
    : [];

  let content;
  if (loading) {
    content = <Progress aria-label="Reading the schema" />;
  } else if (error) {
    content = (
      <ResponseErrorPanel
        title={`Could not read the schema of ${dataset.title}: ${serverMessage(
          error,
        )}`}
        error={error}
      />
    );
  } else {
    const rows = mergeSchema(value?.columns ?? [], declared);
    content =
      rows.length === 0 ? (
        <EmptyState
          missing="data"
          title="No columns"
          description="The query engine found no columns in this dataset, and its entity declares none. Add spec.schema.columns to the entity file, or upload tabular files (CSV, Parquet, JSON lines)."
        />
      ) : (
        <Table<SchemaRow>
          title={`Schema (${value?.columns.length ?? 0} columns)${
            snapshot ? ` at snapshot ${snapshot}` : ''
          }`}
          subtitle={value ? `Read by ${value.engine}` : undefined}
          options={{ paging: false, search: false, padding: 'dense' }}
          columns={columns}
          data={rows}
        />
      );
  }
  return (
    <>
      <SnapshotSelect />
      {content}
    </>
  );
}
