import { EmptyState } from '@backstage/core-components';
import {
  EntityInfoCard,
  EntityRefLink,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  isDatasetEntity,
  ModelEntityV1alpha1,
  RELATION_TRAINED_ON,
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
 * The datasets a Model was trained on (its `trainedOn` relations, or `spec.trainedOn` before the
 * catalog has stitched them). A reference the catalog does not know is shown as missing.
 */
export function ModelTrainedOnCard() {
  const { entity } = useEntity<ModelEntityV1alpha1>();
  const refs = relationTargets(
    entity,
    RELATION_TRAINED_ON,
    entity.spec.trainedOn,
    'dataset',
  );
  const { loading, error, value } = useEntitiesByRefs(refs);

  let content;
  if (!refs.length) {
    content = (
      <EmptyState
        missing="data"
        title="No training data declared"
        description="List the datasets this model was trained on under spec.trainedOn of its catalog entity."
      />
    );
  } else if (loading) {
    content = <CatalogLoading />;
  } else if (error) {
    content = <CatalogError error={error} what="the training datasets" />;
  } else {
    content = (
      <Table size="small" aria-label="Datasets this model was trained on">
        <TableHead>
          <TableRow>
            <TableCell>Dataset</TableCell>
            <TableCell>Format</TableCell>
            <TableCell>Location</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {(value ?? []).map(({ ref, entity: dataset }) => (
            <TableRow key={ref}>
              <TableCell>
                {dataset ? (
                  <EntityRefLink entityRef={dataset} />
                ) : (
                  <MissingRef entityRef={ref} />
                )}
              </TableCell>
              <TableCell>
                {dataset && isDatasetEntity(dataset)
                  ? dataset.spec.format
                  : null}
              </TableCell>
              <TableCell>
                {dataset && isDatasetEntity(dataset) ? (
                  <code>{dataset.spec.location}</code>
                ) : null}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  return <EntityInfoCard title="Trained on">{content}</EntityInfoCard>;
}
