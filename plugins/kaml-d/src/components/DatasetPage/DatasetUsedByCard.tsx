import { EmptyState } from '@backstage/core-components';
import {
  EntityInfoCard,
  EntityRefLink,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  DatasetEntityV1alpha1,
  isModelEntity,
  RELATION_TRAINING_DATA_OF,
} from '@kaml-d/plugin-kaml-d-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { CatalogError, CatalogLoading } from '../shared/AsyncStates';
import { MissingRef } from '../shared/MissingRef';
import { relationTargets } from '../shared/relations';
import { useEntitiesByRefs } from '../shared/useEntitiesByRefs';

/**
 * The models trained on a Dataset (its `trainingDataOf` relations), with their framework, task
 * and lifecycle.
 */
export function DatasetUsedByCard() {
  const { entity } = useEntity<DatasetEntityV1alpha1>();
  const refs = relationTargets(entity, RELATION_TRAINING_DATA_OF);
  const { loading, error, value } = useEntitiesByRefs(refs);

  let content;
  if (!refs.length) {
    content = (
      <EmptyState
        missing="data"
        title="No model is trained on this dataset yet"
        description="A Model lists the datasets it was trained on under spec.trainedOn; those models show up here."
      />
    );
  } else if (loading) {
    content = <CatalogLoading />;
  } else if (error) {
    content = <CatalogError error={error} what="the models" />;
  } else {
    content = (
      <Table size="small" aria-label="Models trained on this dataset">
        <TableHead>
          <TableRow>
            <TableCell>Model</TableCell>
            <TableCell>Framework</TableCell>
            <TableCell>Task</TableCell>
            <TableCell>Lifecycle</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {(value ?? []).map(({ ref, entity: model }) => (
            <TableRow key={ref}>
              <TableCell>
                {model ? (
                  <EntityRefLink entityRef={model} />
                ) : (
                  <MissingRef entityRef={ref} />
                )}
              </TableCell>
              <TableCell>
                {model && isModelEntity(model) ? model.spec.framework : null}
              </TableCell>
              <TableCell>
                {model && isModelEntity(model) ? model.spec.task : null}
              </TableCell>
              <TableCell>
                {model && isModelEntity(model) ? model.spec.lifecycle : null}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  return <EntityInfoCard title="Used by">{content}</EntityInfoCard>;
}
