import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { DatasetEntityV1alpha1 } from '@kaml-d/plugin-kaml-d-common';
import { screen, within } from '@testing-library/react';
import { kamlDApiRef } from '../../api';
import { fingerprintImages } from '../__fixtures__/entities';
import { mockKamlDApi } from '../__fixtures__/kamlDApi';
import {
  fingerprintFacts,
  singerFacts,
  singerVoiceRecordings,
  withMediaFacts,
} from '../__fixtures__/mediaFacts';
import { DatasetSchemaContent } from './DatasetSchemaContent';

async function renderSchemaTab(entity: DatasetEntityV1alpha1) {
  const getDatasetSchema = jest.fn(async () => {
    throw new Error(`${entity.spec.format} files are not a table`);
  });
  await renderInTestApp(
    <EntityProvider entity={entity}>
      <DatasetSchemaContent />
    </EntityProvider>,
    { apis: [[kamlDApiRef, mockKamlDApi({ getDatasetSchema })]] },
  );
  return { getDatasetSchema };
}

function rowOf(text: string) {
  const row = screen.getByText(text).closest('tr');
  if (!row) throw new Error(`no row holds ${text}`);
  return within(row);
}

function field(label: string) {
  const heading = screen.getByRole('heading', { name: label });
  return within(heading.parentElement!);
}

describe('Schema tab of an images or audio dataset', () => {
  it('lists the files by extension and the image dimensions instead of columns', async () => {
    const { getDatasetSchema } = await renderSchemaTab(
      withMediaFacts(fingerprintImages, fingerprintFacts),
    );
    expect(screen.getByText('Files (37 files)')).toBeInTheDocument();
    expect(rowOf('.png').getByText('images')).toBeInTheDocument();
    expect(rowOf('.png').getByText('36')).toBeInTheDocument();
    expect(rowOf('.png').getByText('222 kB')).toBeInTheDocument();
    expect(rowOf('.csv').getByText('other')).toBeInTheDocument();
    expect(rowOf('.csv').getByText('1.7 kB')).toBeInTheDocument();
    expect(screen.getByText('36 PNG files · 96×96 px')).toBeInTheDocument();
    expect(
      field('Dimensions').getByText('96×96 px — 16 files'),
    ).toBeInTheDocument();
    expect(field('Smallest file').getByText('5.9 kB')).toBeInTheDocument();
    expect(field('Largest file').getByText('6.7 kB')).toBeInTheDocument();
    expect(
      screen.getByText('Dimensions from a sample of 16 of 36 files.'),
    ).toBeInTheDocument();
    expect(getDatasetSchema).not.toHaveBeenCalled();
  });

  it('shows durations, sample rates and channels of audio clips', async () => {
    await renderSchemaTab(withMediaFacts(singerVoiceRecordings, singerFacts));
    expect(rowOf('.wav').getByText('audio')).toBeInTheDocument();
    expect(rowOf('.wav').getByText('24')).toBeInTheDocument();
    expect(
      field('Duration').getByText('0.9 s to 1.2 s, mean 1.1 s'),
    ).toBeInTheDocument();
    expect(
      field('Sample rate').getByText('8 kHz — 24 files'),
    ).toBeInTheDocument();
    expect(field('Channels').getByText('mono — 24 files')).toBeInTheDocument();
  });

  it('says the files are not measured yet when the dataset has no media facts', async () => {
    const { getDatasetSchema } = await renderSchemaTab(fingerprintImages);
    expect(screen.getByText('Files not measured yet')).toBeInTheDocument();
    expect(
      screen.getByText(/This images dataset is a set of files, not a table/),
    ).toBeInTheDocument();
    expect(getDatasetSchema).not.toHaveBeenCalled();
  });
});
