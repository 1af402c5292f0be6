import { useEntity } from '@backstage/plugin-catalog-react';
import {
  DatasetEntityV1alpha1,
  isModelEntity,
  RELATION_TRAINING_DATA_OF,
} from '@kaml-d/plugin-kaml-d-common';
import { RelatedEntitiesCard } from '../shared/RelatedEntitiesCard';
import { relationTargets } from '../shared/relations';

/**
 * The models trained on a Dataset (its `trainingDataOf` relations), with their framework, task
 * and lifecycle.
 */
export function DatasetUsedByCard() {
  const { entity } = useEntity<DatasetEntityV1alpha1>();
  return (
    <RelatedEntitiesCard
      title="Used by"
      refs={relationTargets(entity, RELATION_TRAINING_DATA_OF)}
      tableLabel="Models trained on this dataset"
      entityColumn="Model"
      columns={[
        {
          title: 'Framework',
          render: e => (isModelEntity(e) ? e.spec.framework : null),
        },
        { title: 'Task', render: e => (isModelEntity(e) ? e.spec.task : null) },
        {
          title: 'Lifecycle',
          render: e => (isModelEntity(e) ? e.spec.lifecycle : null),
        },
      ]}
      empty={{
        title: 'No model is trained on this dataset yet',
        description:
          'A Model lists the datasets it was trained on under spec.trainedOn; those models show up here.',
      }}
      what="the models"
    />
  );
}
