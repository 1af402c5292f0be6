import { EmptyState } from '@backstage/core-components';
import { EntityInfoCard, useEntity } from '@backstage/plugin-catalog-react';
import { DatasetEntityV1alpha1 } from '@kaml-d/plugin-kaml-d-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { ClassificationBadge } from './ClassificationBadge';

/**
 * The declared schema of a Dataset: one row per column with its type, description and
 * classification.
 */
export function DatasetSchemaCard() {
  const { entity } = useEntity<DatasetEntityV1alpha1>();
  const columns = entity.spec.schema?.columns ?? [];
  return (
    <EntityInfoCard title="Schema">
      {columns.length === 0 ? (
        <EmptyState
          missing="field"
          title="No declared schema"
          description={`This ${entity.spec.format} dataset declares no columns. Declare them under spec.schema.columns of its catalog entity (name, type, description, classification).`}
        />
      ) : (
        <Table size="small" aria-label="Declared columns">
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
      )}
    </EntityInfoCard>
  );
}
