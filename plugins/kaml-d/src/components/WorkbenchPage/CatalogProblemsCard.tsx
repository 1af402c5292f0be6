import {
  InfoCard,
  Progress,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { CatalogProblem, kamlDApiRef } from '../../api';

const columns: TableColumn<CatalogProblem>[] = [
  { title: 'Entity', field: 'entityRef' },
  { title: 'Kind', field: 'kind' },
  {
    title: 'What to fix',
    field: 'messages',
    render: problem => (
      <>
        {problem.messages.map(message => (
          <Typography key={message} variant="body2">
            {message}
          </Typography>
        ))}
      </>
    ),
  },
  { title: 'File', field: 'location' },
];

/**
 * Catalog files the catalog refused (a Dataset with an unknown format, a Model without an owner,
 * …), each with the error that names the offending field. Everything else keeps working.
 */
export function CatalogProblemsCard() {
  const api = useApi(kamlDApiRef);
  const { value, loading, error } = useAsync(
    () => api.getCatalogProblems(),
    [api],
  );

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return (
      <WarningPanel
        title="Could not read the catalog's processing errors"
        message={error.message}
      />
    );
  }
  if (!value || value.length === 0) {
    return (
      <InfoCard title="Catalog problems">
        <Typography>
          Every catalog file was processed without errors.
        </Typography>
      </InfoCard>
    );
  }
  return (
    <Table<CatalogProblem>
      title={`Catalog problems (${value.length})`}
      subtitle="These entities are not in the catalog until their files are fixed."
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={value}
    />
  );
}
