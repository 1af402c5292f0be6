import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import {
  catalogEntities,
  customerChurn,
  financeTransactions,
  fingerprintImages,
} from '../__fixtures__/entities';
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

async function renderDataset(
  entity: Entity,
  catalogApi: Parameters<typeof catalogApiMock.mock>[0] | undefined = undefined,
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <DatasetPage />
    </EntityProvider>,
    {
      apis: [
        catalogApi
          ? [catalogApiRef, catalogApiMock.mock(catalogApi)]
          : [catalogApiRef, catalogApiMock({ entities: catalogEntities })],
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
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
  });

  it('says so when no model is trained on the dataset', async () => {
    await renderDataset(customerChurn);
    expect(
      screen.getByText('No model is trained on this dataset yet'),
    ).toBeInTheDocument();
    expect(screen.getByText('Not measured yet')).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Models trained on this dataset' }),
    ).toBeNull();
    // the schema is still there
    expect(screen.getByText('customer_id')).toBeInTheDocument();
  });

  it('explains a dataset without declared schema and shows a model missing from the catalog', async () => {
    await renderDataset(fingerprintImages);
    expect(screen.getByText('No declared schema')).toBeInTheDocument();
    expect(
      screen.getByText(/This images dataset declares no columns/),
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
