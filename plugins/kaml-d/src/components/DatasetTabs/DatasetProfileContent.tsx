import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { kamlDApiRef } from '../../api';
import { serverMessage } from '../shared/errors';
import { ColumnDetail } from './ColumnDetail';
import { ProfileSummaryTable } from './ProfileSummaryTable';
import { SnapshotSelect, useSnapshotParam } from './SnapshotSelect';
import { useDatasetName } from './useDatasetName';

export { ColumnProfile } from './ColumnDetail';

/** Time the search waits for typing to pause before it asks the backend. */
const SEARCH_DELAY_MS = 300;

/**
 * The Profile tab of a Dataset: a summary of every column (type, nulls, distinct, range, mean,
 * deviation, quartiles), paged and searchable by name, and the detail of the picked column
 * with its histogram or rows over time, and its top values where it is categorical.
 */
export function DatasetProfileContent() {
  const api = useApi(kamlDApiRef);
  const dataset = useDatasetName();
  const { namespace, name } = dataset;
  const [snapshot] = useSnapshotParam();
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(25);
  const [picked, setPicked] = useState<string | undefined>();
  useDebounce(
    () => {
      setQuery(search.trim());
      setPage(0);
    },
    SEARCH_DELAY_MS,
    [search],
  );
  const summary = useAsync(() => {
    const request = {
      offset: page * pageSize,
      limit: pageSize,
      ...(query ? { search: query } : {}),
    };
    return snapshot
      ? api.getDatasetProfileSummary({ namespace, name }, request, snapshot)
      : api.getDatasetProfileSummary({ namespace, name }, request);
  }, [api, namespace, name, snapshot, page, pageSize, query]);

  if (summary.error) {
    return (
      <>
        <SnapshotSelect />
        <ResponseErrorPanel
          title={`Could not summarize the columns of ${
            dataset.title
          }: ${serverMessage(summary.error)}`}
          error={summary.error}
        />
      </>
    );
  }
  if (!summary.value) {
    return <Progress aria-label="Summarizing the columns" />;
  }
  if (summary.value.totalColumns === 0) {
    return (
      <>
        <SnapshotSelect />
        <EmptyState
          missing="data"
          title="No columns to profile"
          description="The query engine found no columns in this dataset. Profiles need tabular files (CSV, Parquet, JSON lines)."
        />
      </>
    );
  }
  const shown = summary.value.columns;
  const column = picked ?? (shown.length > 0 ? shown[0].column : undefined);
  return (
    <>
      <SnapshotSelect />
      <ProfileSummaryTable
        summary={summary.value}
        loading={summary.loading}
        search={search}
        onSearch={setSearch}
        page={page}
        pageSize={pageSize}
        onPage={setPage}
        onPageSize={size => {
          setPageSize(size);
          setPage(0);
        }}
        selected={column}
        onSelect={setPicked}
      />
      {column ? (
        <Box mt={3}>
          <ColumnDetail
            dataset={{ namespace, name }}
            column={column}
            snapshot={snapshot}
          />
        </Box>
      ) : null}
    </>
  );
}
