import { EmptyState } from '@backstage/core-components';
import { Entity } from '@backstage/catalog-model';
import { EntityInfoCard, EntityRefLink } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { ReactNode } from 'react';
import { CatalogError, CatalogLoading } from './AsyncStates';
import { MissingRef } from './MissingRef';
import { useEntitiesByRefs } from './useEntitiesByRefs';

/** A column beside the entity link; `render` receives the related entity when the catalog has it. */
export interface RelatedEntityColumn {
  title: string;
  render: (entity: Entity) => ReactNode;
}

/**
 * A card listing related entities (by their refs) in a table: a link to each one the catalog
 * knows, a "missing" marker for the others, and the given columns. Loading, error and empty
 * states included.
 */
export function RelatedEntitiesCard(props: {
  title: string;
  refs: string[];
  /** Accessible name of the table. */
  tableLabel: string;
  /** Header of the link column, such as `Model`. */
  entityColumn: string;
  columns: RelatedEntityColumn[];
  empty: { title: string; description: string };
  /** What is loaded, for the error message: `the models`. */
  what: string;
}) {
  const { title, refs, tableLabel, entityColumn, columns, empty, what } = props;
  const { loading, error, value } = useEntitiesByRefs(refs);

  let content;
  if (!refs.length) {
    content = (
      <EmptyState
        missing="data"
        title={empty.title}
        description={empty.description}
      />
    );
  } else if (loading) {
    content = <CatalogLoading />;
  } else if (error) {
    content = <CatalogError error={error} what={what} />;
  } else {
    content = (
      <Table size="small" aria-label={tableLabel}>
        <TableHead>
          <TableRow>
            <TableCell>{entityColumn}</TableCell>
            {columns.map(column => (
              <TableCell key={column.title}>{column.title}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {(value ?? []).map(({ ref, entity }) => (
            <TableRow key={ref}>
              <TableCell>
                {entity ? (
                  <EntityRefLink entityRef={entity} />
                ) : (
                  <MissingRef entityRef={ref} />
                )}
              </TableCell>
              {columns.map(column => (
                <TableCell key={column.title}>
                  {entity ? column.render(entity) : null}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  return <EntityInfoCard title={title}>{content}</EntityInfoCard>;
}
