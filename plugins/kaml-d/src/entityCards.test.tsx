import { Entity } from '@backstage/catalog-model';
import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  catalogApiMock,
  createTestEntityPage,
} from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import {
  catalogEntities,
  customerChurn,
  fraudDetector,
  fraudDetectorService,
} from './components/__fixtures__/entities';
import { mockKamlDApi } from './components/__fixtures__/kamlDApi';
import { kamlDApiRef } from './api';
import { kamlDEntityCards } from './entityCards';

// lazy-loaded cards can take a while on a busy machine
const slow = { timeout: 10_000 };

function renderEntityPage(entity: Entity) {
  return renderTestApp({
    extensions: [createTestEntityPage({ entity }), ...kamlDEntityCards],
    apis: [
      [catalogApiRef, catalogApiMock({ entities: catalogEntities })],
      [
        kamlDApiRef,
        mockKamlDApi({
          getDatasetRowCount: async ({ name }) => ({
            entityRef: `dataset:default/${name}`,
            engine: 'duckdb',
            rows: 7043,
            method: 'exact count',
            countedAt: '2026-12-06T09:30:00.000Z',
          }),
        }),
      ],
      [permissionApiRef, mockApis.permission()],
    ],
  });
}

describe('KAML-D entity cards', () => {
  jest.setTimeout(30_000);

  it('show the dataset cards, and only those, on a Dataset', async () => {
    renderEntityPage(customerChurn);
    expect(
      await screen.findByText('Dataset details', {}, slow),
    ).toBeInTheDocument();
    expect(await screen.findByText('Schema', {}, slow)).toBeInTheDocument();
    expect(await screen.findByText('Used by', {}, slow)).toBeInTheDocument();
    expect(await screen.findByText('7,043', {}, slow)).toBeInTheDocument();
    expect(screen.queryByText('Model details')).toBeNull();
    expect(screen.queryByText('Trained on')).toBeNull();
  });

  it('show the model cards, and only those, on a Model', async () => {
    renderEntityPage(fraudDetector);
    expect(
      await screen.findByText('Model details', {}, slow),
    ).toBeInTheDocument();
    expect(await screen.findByText('Trained on', {}, slow)).toBeInTheDocument();
    expect(await screen.findByText('Served by', {}, slow)).toBeInTheDocument();
    expect(screen.queryByText('Dataset details')).toBeNull();
  });

  it('stay off other kinds', async () => {
    renderEntityPage(fraudDetectorService);
    // give the lazy loaders a chance to render, were they attached
    await new Promise(resolve => setTimeout(resolve, 50));
    for (const title of [
      'Dataset details',
      'Schema',
      'Model details',
      'Served by',
    ]) {
      expect(screen.queryByText(title)).toBeNull();
    }
  });
});
