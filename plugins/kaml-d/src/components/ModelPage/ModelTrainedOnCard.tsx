import { useEntity } from '@backstage/plugin-catalog-react';
import {
  isDatasetEntity,
  ModelEntityV1alpha1,
  RELATION_TRAINED_ON,
} from '@kaml-d/plugin-kaml-d-common';
import { RelatedEntitiesCard } from '../shared/RelatedEntitiesCard';
import { relationTargets } from '../shared/relations';

/**
 * The datasets a Model was trained on (its `trainedOn` relations, or `spec.trainedOn` before the
 * catalog has stitched them). A reference the catalog does not know is shown as missing.
 */
export function ModelTrainedOnCard() {
  const { entity } = useEntity<ModelEntityV1alpha1>();
  return (
    <RelatedEntitiesCard
      title="Trained on"
      refs={relationTargets(
        entity,
        RELATION_TRAINED_ON,
        entity.spec.trainedOn,
        'dataset',
      )}
      tableLabel="Datasets this model was trained on"
      entityColumn="Dataset"
      columns={[
        {
          title: 'Format',
          render: e => (isDatasetEntity(e) ? e.spec.format : null),
        },
        {
          title: 'Location',
          render: e =>
            isDatasetEntity(e) ? <code>{e.spec.location}</code> : null,
        },
      ]}
      empty={{
        title: 'No training data declared',
        description:
          'List the datasets this model was trained on under spec.trainedOn of its catalog entity.',
      }}
      what="the training datasets"
    />
  );
}
