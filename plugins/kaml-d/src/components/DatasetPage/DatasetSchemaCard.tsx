import { EmptyState } from '@backstage/core-components';
import { EntityInfoCard, useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_KAML_D_SCHEMA_SOURCE,
  DatasetEntityV1alpha1,
} from '@kaml-d/plugin-kaml-d-common';
import Typography from '@material-ui/core/Typography';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { ClassificationBadge } from './ClassificationBadge';
import { isMediaFormat } from '../shared/MediaSummary';

/** `engine:duckdb` → `DuckDB`; undefined when the columns were declared. */
function engineOf(entity: DatasetEntityV1alpha1): string | undefined {
  const source = entity.metadata.annotations?.[ANNOTATION_KAML_D_SCHEMA_SOURCE];
  const engine = source?.startsWith('engine:')
    ? source.slice('engine:'.length)
    : undefined;
  if (!engine) return undefined;
  return engine === 'duckdb'
    ? 'DuckDB'
    : engine[0].toUpperCase() + engine.slice(1);
}

function emptyText(entity: DatasetEntityV1alpha1): {
  title: string;
  description: string;
} {
  const { format, location } = entity.spec;
  if (isMediaFormat(format) && !location.startsWith('trino://')) {
    return {
      title: `No columns: ${format} are files`,
      description: `The files of this dataset, by extension, with their measured ${
        format === 'images' ? 'dimensions' : 'durations'
      }, are on the details card and the Schema tab.`,
    };
  }
  return {
    title: 'No declared schema',
    description: `This ${format} dataset declares no columns, and the query engine has not read them from the data yet (the catalog asks it when it processes the entity; the Schema tab reads them now). Declare them under spec.schema.columns of its catalog entity (name, type, description, classification) to add descriptions and classifications.`,
  };
}

/**
 * The schema of a Dataset as the catalog holds it: one row per column with its type, description
 * and classification; declared by the author, or read from the data by the query engine (then
 * said so).
 */
export function DatasetSchemaCard() {
  const { entity } = useEntity<DatasetEntityV1alpha1>();
  const columns = entity.spec.schema?.columns ?? [];
  const engine = engineOf(entity);
  return (
    <EntityInfoCard title="Schema">
      {columns.length === 0 ? (
        <EmptyState missing="field" {...emptyText(entity)} />
      ) : (
        <>
          {engine && (
            <Typography variant="body2" color="textSecondary" gutterBottom>
              {columns.length} columns read from the data by {engine}; none are
              declared in the catalog entity.
            </Typography>
          )}
          <Table
            size="small"
            aria-label={
              engine ? `Columns read by ${engine}` : 'Declared columns'
            }
          >
            <TableHead>
              <TableRow>
                <TableCell>Column</TableCell>
                <TableCell>Type</TableCell>
                <TableCell>Description</TableCell>
                <TableCell>Classification</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {columns.map(column => (
                <TableRow key={column.name}>
                  <TableCell>
                    <code>{column.name}</code>
                  </TableCell>
                  <TableCell>{column.type}</TableCell>
                  <TableCell>{column.description}</TableCell>
                  <TableCell>
                    {column.classification ? (
                      <ClassificationBadge
                        classification={column.classification}
                      />
                    ) : null}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </EntityInfoCard>
  );
}
