import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { mockApis } from '@backstage/frontend-test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  catalogEntities,
  customerChurn,
  financeTransactions,
  fingerprintImages,
} from '../__fixtures__/entities';
import { KamlDApi, kamlDApiRef } from '../../api';
import { mockKamlDApi } from '../__fixtures__/kamlDApi';
import { FreshPermissionCache } from '../__testUtils__/permissions';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DatasetAboutCard } from './DatasetAboutCard';
import { DatasetSchemaCard } from './DatasetSchemaCard';
import { DatasetUsedByCard } from './DatasetUsedByCard';

function DatasetPage() {
  return (
    <>
      <DatasetAboutCard />
      <DatasetSchemaCard />
      <DatasetUsedByCard />
    </>
  );
}

/** Row counts the backend answers, by dataset name. */
const ROW_COUNTS: Record<string, number> = {
  'finance-transactions': 400_213,
  'customer-churn': 7_043,
};

async function renderDataset(
  entity: Entity,
  catalogApi: Parameters<typeof catalogApiMock.mock>[0] | undefined = undefined,
) {
  const kamlDApi = mockKamlDApi({
    getDatasetRowCount: async ({ name }) => {
      if (!(name in ROW_COUNTS)) throw new Error(`${name} is not reachable`);
      return {
        entityRef: `dataset:default/${name}`,
        engine: 'duckdb',
        rows: ROW_COUNTS[name],
        method: 'exact count',
        countedAt: '2026-12-06T09:30:00.000Z',
      };
    },
  });
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <DatasetPage />
    </EntityProvider>,
    {
      apis: [
        [kamlDApiRef, kamlDApi],
        catalogApi
          ? [catalogApiRef, catalogApiMock.mock(catalogApi)]
          : [catalogApiRef, catalogApiMock({ entities: catalogEntities })],
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

/** The details card of customer-churn alone, with the permission decisions given. */
function renderAboutCard(
  kamlD: Partial<KamlDApi>,
  authorize:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  return renderInTestApp(
    <FreshPermissionCache>
      <EntityProvider entity={customerChurn}>
        <DatasetAboutCard />
      </EntityProvider>
    </FreshPermissionCache>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [catalogApiRef, catalogApiMock({ entities: catalogEntities })],
        [kamlDApiRef, mockKamlDApi(kamlD)],
        [permissionApiRef, mockApis.permission({ authorize })],
      ],
    },
  );
}

describe('Dataset entity page', () => {
  it('shows the facts, the declared schema with classifications and the models trained on it', async () => {
    await renderDataset(financeTransactions);

    expect(screen.getByText('Dataset details')).toBeInTheDocument();
    expect(
      screen.getByText('s3://kaml-datasets/finance-transactions/'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('52.4 MB · 400,000 rows · 4 files'),
    ).toBeInTheDocument();
    expect(screen.getByText('production')).toBeInTheDocument();
    expect(screen.getByText('fraud')).toBeInTheDocument();
    expect(screen.getByText('tabular')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /data-engineering/ }),
    ).toHaveAttribute('href', '/catalog/default/group/data-engineering');

    const schema = screen.getByRole('table', { name: 'Declared columns' });
    const rows = within(schema).getAllByRole('row');
    expect(rows).toHaveLength(6); // header + 5 columns
    expect(within(rows[0]).getByText('Classification')).toBeInTheDocument();
    expect(within(rows[2]).getByText('card_holder')).toBeInTheDocument();
    expect(within(rows[2]).getByText('PII')).toBeInTheDocument();
    expect(within(rows[3]).getByText('email')).toBeInTheDocument();
    expect(within(rows[3]).getByText('PII')).toBeInTheDocument();
    expect(within(rows[4]).getByText('double')).toBeInTheDocument();
    expect(within(rows[4]).queryByText('PII')).not.toBeInTheDocument();
    expect(screen.getByText('Schema')).toBeInTheDocument();

    expect(screen.getByText('Used by')).toBeInTheDocument();
    const usedBy = await screen.findByRole('table', {
      name: 'Models trained on this dataset',
    });
    const model = within(usedBy).getByRole('link', { name: /Fraud detector/ });
    expect(model).toHaveAttribute(
      'href',
      '/catalog/default/model/fraud-detector',
    );
    expect(within(usedBy).getByText('sklearn')).toBeInTheDocument();
    expect(
      within(usedBy).getByText('binary-classification'),
    ).toBeInTheDocument();
    // the exact count from the engine, with how and when it was counted
    expect(await screen.findByText('400,213')).toBeInTheDocument();
    expect(
      screen.getByText('(exact count by duckdb, 6 Dec 2026, 09:30 UTC)'),
    ).toBeInTheDocument();
  });

  it('says so when no model is trained on the dataset', async () => {
    await renderDataset(customerChurn);
    expect(
      screen.getByText('No model is trained on this dataset yet'),
    ).toBeInTheDocument();
    // neither size nor last change is known
    expect(screen.getAllByText('Not measured yet')).toHaveLength(2);
    expect(
      screen.queryByRole('table', { name: 'Models trained on this dataset' }),
    ).toBeNull();
    // the schema is still there
    expect(screen.getByText('customer_id')).toBeInTheDocument();
  });

  it('explains that images have no columns and shows a model missing from the catalog', async () => {
    await renderDataset(fingerprintImages);
    expect(
      screen.getByText('No columns: images are files'),
    ).toBeInTheDocument();
    // images are no table: no row count is asked for
    expect(screen.queryByText('Rows')).toBeNull();
    expect(
      screen.getByText(
        /with their measured dimensions, are on the details card/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('No tags')).toBeInTheDocument();
    const usedBy = await screen.findByRole('table', {
      name: 'Models trained on this dataset',
    });
    expect(
      within(usedBy).getByText('model:default/fingerprint-matcher'),
    ).toBeInTheDocument();
    expect(
      within(usedBy).getByText('Missing from the catalog'),
    ).toBeInTheDocument();
    expect(within(usedBy).queryByRole('link')).toBeNull();
  });

  it('shows the columns the query engine read for a dataset that declares none, and says who read them', async () => {
    const spec = { ...customerChurn.spec };
    delete spec.schema;
    await renderDataset({
      ...customerChurn,
      spec: {
        ...spec,
        schema: {
          columns: [
            { name: 'station_code', type: 'VARCHAR' },
            { name: 'opened_on', type: 'DATE' },
          ],
        },
      },
      metadata: {
        ...customerChurn.metadata,
        annotations: { 'kaml-d.io/schema-source': 'engine:duckdb' },
      },
    });
    const table = screen.getByRole('table', { name: 'Columns read by DuckDB' });
    expect(within(table).getByText('opened_on')).toBeInTheDocument();
    expect(within(table).getByText('DATE')).toBeInTheDocument();
    expect(
      screen.getByText(/2 columns read from the data by DuckDB/),
    ).toBeInTheDocument();
    expect(screen.queryByText('No declared schema')).toBeNull();
  });

  it('says a tabular dataset without columns has not been read yet, and how to declare them', async () => {
    const spec = { ...customerChurn.spec };
    delete spec.schema;
    await renderDataset({ ...customerChurn, spec });
    expect(screen.getByText('No declared schema')).toBeInTheDocument();
    expect(
      screen.getByText(/the query engine has not read them from the data yet/),
    ).toBeInTheDocument();
  });

  it('shows the size, files and last change measured in storage for a dataset declared without them', async () => {
    await renderDataset({
      ...customerChurn,
      metadata: {
        ...customerChurn.metadata,
        annotations: {
          'kaml-d.io/size-bytes': '977501',
          'kaml-d.io/object-count': '3',
          'kaml-d.io/last-modified': '2026-11-20T08:05:00.000Z',
        },
      },
    });
    expect(screen.getByText('978 kB · 3 files')).toBeInTheDocument();
    expect(screen.getByText('20 Nov 2026, 08:05 UTC')).toBeInTheDocument();
    expect(await screen.findByText('7,043')).toBeInTheDocument();
  });

  it('asks for a rescan of the dataset when allowed', async () => {
    const rescans: Array<string | undefined> = [];
    await renderAboutCard({
      getDatasetRowCount: async () => ({
        entityRef: 'dataset:default/customer-churn',
        engine: 'duckdb',
        rows: 1,
        method: 'exact count',
        countedAt: '2026-12-06T09:30:00.000Z',
      }),
      rescanDatasets: async ref => {
        rescans.push(ref);
        return {
          scope: 'dataset',
          entityRef: ref,
          location: 's3://kaml-datasets/customer-churn/',
          requestedAt: '2026-12-06T09:31:00.000Z',
        };
      },
    });
    const button = await screen.findByRole('button', { name: 'Rescan' });
    await waitFor(() => expect(button).toBeEnabled(), { timeout: 15_000 });
    await userEvent.click(button);
    expect(
      await screen.findByText(
        /Rescan asked for: s3:\/\/kaml-datasets\/customer-churn\/ is read again/,
      ),
    ).toBeInTheDocument();
    expect(rescans).toEqual(['dataset:default/customer-churn']);
  });

  it('disables Rescan for a user without kaml-d.dataset.rescan', async () => {
    await renderAboutCard(
      {
        getDatasetRowCount: async () => {
          throw new Error('not needed');
        },
      },
      AuthorizeResult.DENY,
    );
    const button = await screen.findByRole('button', { name: 'Rescan' });
    await waitFor(() =>
      expect(
        button.closest('[data-permission="kaml-d.dataset.rescan"]'),
      ).toHaveAttribute(
        'title',
        expect.stringContaining('kaml-d.dataset.rescan'),
      ),
    );
    expect(button).toBeDisabled();
  });
  it('says why the rows could not be counted', async () => {
    await renderDataset({
      ...customerChurn,
      metadata: { ...customerChurn.metadata, name: 'unreachable' },
    });
    expect(
      await screen.findByText('Not counted: unreachable is not reachable'),
    ).toBeInTheDocument();
  });

  it('shows loading, then the error, when the catalog cannot be read', async () => {
    let fail: (error: Error) => void = () => {};
    await renderDataset(financeTransactions, {
      getEntitiesByRefs: () =>
        new Promise((_resolve, reject) => {
          fail = reject;
        }),
    });
    // Progress appears after a short delay, so that quick answers do not flash it
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    fail(new Error('catalog unavailable'));
    expect(
      await screen.findByText(/Could not load the models from the catalog/),
    ).toBeInTheDocument();
    // the rest of the page still renders
    expect(screen.getByText('card_holder')).toBeInTheDocument();
  });
});
