import { useEntity } from '@backstage/plugin-catalog-react';
import { DatasetName } from '../../api';

/** The dataset of the entity page, as the KAML-D backend addresses it. */
export function useDatasetName(): DatasetName & { title: string } {
  const { entity } = useEntity();
  return {
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
    title: entity.metadata.title ?? entity.metadata.name,
  };
}
