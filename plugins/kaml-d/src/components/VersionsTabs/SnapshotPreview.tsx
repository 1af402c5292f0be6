import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import useAsync from 'react-use/esm/useAsync';
import { kamlDApiRef } from '../../api';
import { useDatasetName } from '../DatasetTabs/useDatasetName';
import { serverMessage } from '../shared/errors';
import { RowsTable } from '../shared/RowsTable';
import { useVersionsStyles } from './versionsStyles';

/** The first rows of a snapshot, read through the preview route. */
export function SnapshotPreview(props: { snapshotId: string }) {
  const api = useApi(kamlDApiRef);
  const { namespace, name } = useDatasetName();
  const classes = useVersionsStyles();
  const { value, loading, error } = useAsync(
    () => api.getDatasetPreview({ namespace, name }, 10, props.snapshotId),
    [api, namespace, name, props.snapshotId],
  );
  if (loading)
    return <Progress aria-label="Reading the snapshot's first rows" />;
  if (error) {
    return (
      <ResponseErrorPanel
        title={`Could not preview ${props.snapshotId}: ${serverMessage(error)}`}
        error={error}
      />
    );
  }
  if (!value) return null;
  return (
    <Box className={classes.section}>
      <RowsTable
        title={`First ${value.rows.length} rows of ${props.snapshotId}`}
        columns={value.columns}
        rows={value.rows}
        emptyText="The snapshot has no rows."
      />
    </Box>
  );
}
