import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { StorageSummaryResponse } from '@kaml-d/plugin-kaml-d-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { kamlDApiRef } from '../../api';
import { serverMessage } from '../shared/errors';
import { formatBytes, formatCount } from '../shared/relations';

/**
 * `3 folders, 52.4 MB, 5.2% of capacity`. The store counts its top-level folders, which is not
 * the catalog's count of Dataset entities in the table below: a folder whose files the catalog
 * could not register (see Catalog problems) is counted here only, a dataset declared in a catalog
 * file over another location is counted there only. So the line says folders, not datasets.
 */
export function describeStorage(summary: StorageSummaryResponse): string {
  const datasets = `${formatCount(summary.datasets)} ${
    summary.datasets === 1 ? 'folder' : 'folders'
  }`;
  const capacity =
    summary.percentUsed !== undefined
      ? `${summary.percentUsed}% of capacity`
      : 'no capacity configured';
  return `${datasets}, ${formatBytes(summary.bytes)}, ${capacity}`;
}

/** The storage line: how many folders, how many bytes, how full. */
export function StorageLine(props: { reloadKey?: number }) {
  const api = useApi(kamlDApiRef);
  const { value, loading, error } = useAsync(
    () => api.getStorageSummary(),
    [api, props.reloadKey],
  );
  if (loading && !value) {
    return <Progress aria-label="Measuring storage" />;
  }
  if (error) {
    return (
      <Typography color="error" variant="body2">
        Storage summary unavailable: {serverMessage(error)}
      </Typography>
    );
  }
  if (!value || value.objects === 0) {
    return (
      <Typography color="textSecondary" variant="body2">
        Storage is empty: upload a dataset to start.
      </Typography>
    );
  }
  return (
    <Typography
      variant="body2"
      aria-label="Storage"
      title="Folders in the store; the datasets table counts what the catalog registered"
    >
      Storage: {describeStorage(value)}
    </Typography>
  );
}
