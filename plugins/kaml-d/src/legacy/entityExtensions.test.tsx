import { Entity } from '@backstage/catalog-model';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { screen, within } from '@testing-library/react';
import { ReactElement } from 'react';
import { KamlDApi, kamlDApiRef } from '../api';
import { kamlDGovernanceApiRef } from '../api/GovernanceApi';
import {
  catalogEntities,
  financeTransactions,
  fraudDetector,
  fraudDetectorService,
} from '../components/__fixtures__/entities';
import {
  financeSchema,
  mockKamlDApi,
} from '../components/__fixtures__/kamlDApi';
import { mockGovernanceApi } from '../components/__fixtures__/governanceApi';
import { FreshPermissionCache } from '../components/__testUtils__/permissions';
import { isKamlDDataset, isKamlDModel } from './conditions';
import { EntityKamlDDatasetSchemaCard } from './entityCards';
import { EntityKamlDDatasetSchemaContent } from './entityContents';

// lazy-loaded tabs can take a while on a busy machine
const slow = { timeout: 10_000 };
jest.setTimeout(30_000);

/** The element as a legacy EntityPage.tsx renders it, on the page of `entity`. */
function renderOnEntityPage(
  element: ReactElement,
  options: {
    entity?: Entity;
    kamlD?: Partial<KamlDApi>;
    decision?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  } = {},
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [kamlDApiRef, mockKamlDApi(options.kamlD)],
        [kamlDGovernanceApiRef, mockGovernanceApi()],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: options.decision ?? AuthorizeResult.ALLOW,
          }),
        ],
        [catalogApiRef, catalogApiMock({ entities: catalogEntities })],
      ]}
    >
      <FreshPermissionCache>
        <EntityProvider entity={options.entity ?? financeTransactions}>
          {element}
        </EntityProvider>
      </FreshPermissionCache>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

function rowOf(text: string) {
  const row = screen.getByText(text).closest('tr');
  if (!row) throw new Error(`no row holds ${text}`);
  return within(row);
}

describe('KAML-D entity tabs and cards in a legacy app', () => {
  it('show the Schema tab of a Dataset with the columns the engine reads', async () => {
    const getDatasetSchema = jest.fn(async () => financeSchema);
    await renderOnEntityPage(<EntityKamlDDatasetSchemaContent />, {
      kamlD: { getDatasetSchema },
    });
    expect(
      await screen.findByText('Schema (6 columns)', {}, slow),
    ).toBeInTheDocument();
    expect(rowOf('email').getByText('VARCHAR')).toBeInTheDocument();
    expect(
      rowOf('email').getByLabelText('classification: pii'),
    ).toHaveTextContent('PII');
    expect(rowOf('booked_at').getByText('TIMESTAMP')).toBeInTheDocument();
    expect(getDatasetSchema).toHaveBeenCalledWith({
      namespace: 'default',
      name: 'finance-transactions',
    });
  });

  it('keep the Schema tab behind kaml-d.dataset.preview, offering Request access', async () => {
    const getDatasetSchema = jest.fn(async () => financeSchema);
    await renderOnEntityPage(<EntityKamlDDatasetSchemaContent />, {
      kamlD: { getDatasetSchema },
      decision: AuthorizeResult.DENY,
    });
    expect(
      await screen.findByRole('button', { name: 'Request access' }, slow),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Schema needs kaml-d\.dataset\.preview/),
    ).toBeInTheDocument();
    expect(screen.queryByText('Schema (6 columns)')).not.toBeInTheDocument();
    expect(getDatasetSchema).not.toHaveBeenCalled();
  });

  it('show the declared schema card of a Dataset', async () => {
    await renderOnEntityPage(<EntityKamlDDatasetSchemaCard />);
    const table = within(
      await screen.findByRole('table', { name: 'Declared columns' }, slow),
    );
    expect(table.getByText('Card holder e-mail')).toBeInTheDocument();
    expect(table.getAllByLabelText('classification: pii')).toHaveLength(2);
  });

  it.each([
    ['a Dataset', financeTransactions, true, false],
    ['a Model', fraudDetector, false, true],
    ['a Component', fraudDetectorService, false, false],
  ])(
    'tell the entity page which cases hold %s',
    (_, entity, dataset, model) => {
      expect(isKamlDDataset(entity)).toBe(dataset);
      expect(isKamlDModel(entity)).toBe(model);
    },
  );
});
