import { useApi } from '@backstage/core-plugin-api';
import {
  DatasetEntityV1alpha1,
  TABULAR_DATASET_FORMATS,
} from '@kaml-d/plugin-kaml-d-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { kamlDApiRef } from '../../api';
import { formatDateTime } from '../shared/dates';
import { formatCount } from '../shared/relations';

/** Whether the backend can count the rows of the dataset (a table in storage or in Trino). */
export function isCountable(entity: DatasetEntityV1alpha1): boolean {
  return (
    (TABULAR_DATASET_FORMATS as readonly string[]).includes(
      entity.spec.format,
    ) || entity.spec.location.startsWith('trino://')
  );
}

/**
 * The exact row count of a tabular dataset, counted by its engine when the page opens (reused
 * by the backend while the data is unchanged), with how and when it was counted.
 */
export function DatasetRowCount(props: { entity: DatasetEntityV1alpha1 }) {
  const { entity } = props;
  const api = useApi(kamlDApiRef);
  const { namespace = 'default', name } = entity.metadata;
  const { value, loading, error } = useAsync(
    () => api.getDatasetRowCount({ namespace, name }),
    [api, namespace, name],
  );
  if (loading) return <>Counting…</>;
  if (error || !value) {
    return (
      <Typography variant="body2" color="textSecondary">
        Not counted: {error?.message ?? 'no answer'}
      </Typography>
    );
  }
  return (
    <>
      {formatCount(value.rows)}{' '}
      <Typography variant="caption" color="textSecondary" component="span">
        (exact count by {value.engine}, {formatDateTime(value.countedAt)})
      </Typography>
    </>
  );
}
