import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DatasetEntityV1alpha1 } from '@kaml-d/plugin-kaml-d-common';
import { screen, waitFor, within } from '@testing-library/react';
import { kamlDApiRef } from '../../api';
import {
  catalogEntities,
  customerChurn,
  fingerprintImages,
} from '../__fixtures__/entities';
import { mockKamlDApi } from '../__fixtures__/kamlDApi';
import {
  fingerprintFacts,
  singerFacts,
  singerVoiceRecordings,
  withMediaFacts,
} from '../__fixtures__/mediaFacts';
import { FreshPermissionCache } from '../__testUtils__/permissions';
import { DatasetAboutCard } from './DatasetAboutCard';

async function renderAboutCard(entity: DatasetEntityV1alpha1) {
  await renderInTestApp(
    <FreshPermissionCache>
      <EntityProvider entity={entity}>
        <DatasetAboutCard />
      </EntityProvider>
    </FreshPermissionCache>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [catalogApiRef, catalogApiMock({ entities: catalogEntities })],
        [kamlDApiRef, mockKamlDApi({})],
        [
          permissionApiRef,
          mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
        ],
      ],
    },
  );
  // the card is complete once the permission to rescan is decided
  const rescan = await screen.findByRole('button', { name: 'Rescan' });
  await waitFor(() => expect(rescan).toBeEnabled(), { timeout: 15_000 });
}

/** The value under a field label of the details card. */
function field(label: string) {
  const heading = screen.getByRole('heading', { name: label });
  return within(heading.parentElement!);
}

describe('Dataset details card of an images or audio dataset', () => {
  it('shows the image files and their dimensions, and that these come from a sample', async () => {
    await renderAboutCard(withMediaFacts(fingerprintImages, fingerprintFacts));
    expect(
      field('Media').getByText('36 PNG files · 96×96 px'),
    ).toBeInTheDocument();
    expect(
      field('Media').getByText('Dimensions from a sample of 16 of 36 files.'),
    ).toBeInTheDocument();
  });

  it('shows the clips with sample rate, channels and durations', async () => {
    await renderAboutCard(withMediaFacts(singerVoiceRecordings, singerFacts));
    expect(
      field('Media').getByText('24 WAV files · 8 kHz mono · 0.9–1.2 s'),
    ).toBeInTheDocument();
    // every clip was read: no sample note
    expect(screen.queryByText(/from a sample/)).not.toBeInTheDocument();
  });

  it('says the media are not measured yet when the annotation is missing or not valid', async () => {
    await renderAboutCard(
      withMediaFacts(fingerprintImages, '{"format":"images",'),
    );
    expect(field('Media').getByText('Not measured yet')).toBeInTheDocument();
  });

  it('has no media field for a tabular dataset', async () => {
    await renderAboutCard(customerChurn);
    expect(await screen.findByText(/^Not counted:/)).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Size' })).toBeInTheDocument();
    expect(
      screen.queryByRole('heading', { name: 'Media' }),
    ).not.toBeInTheDocument();
  });
});
