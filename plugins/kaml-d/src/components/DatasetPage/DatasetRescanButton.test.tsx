import { renderInTestApp, mockApis } from '@backstage/frontend-test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { screen, waitFor } from '@testing-library/react';
import { kamlDApiRef } from '../../api';
import { catalogEntities, customerChurn } from '../__fixtures__/entities';
import { mockKamlDApi } from '../__fixtures__/kamlDApi';
import { DatasetAboutCard } from './DatasetAboutCard';

// its own file: permission decisions are cached per module, and DatasetPage.test allows it
describe('Rescan on the dataset page', () => {
  it('disables Rescan for a user without kaml-d.dataset.rescan', async () => {
    await renderInTestApp(
      <EntityProvider entity={customerChurn}>
        <DatasetAboutCard />
      </EntityProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
        apis: [
          [catalogApiRef, catalogApiMock({ entities: catalogEntities })],
          [
            kamlDApiRef,
            mockKamlDApi({
              getDatasetRowCount: async () => {
                throw new Error('not needed');
              },
            }),
          ],
          [
            permissionApiRef,
            mockApis.permission({ authorize: AuthorizeResult.DENY }),
          ],
        ],
      },
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
});
