import { configure, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fraudDetector } from '../__fixtures__/entities';
import { pending, responseError } from '../__fixtures__/kamlDApi';
import {
  renderVersionsTab,
  MODEL,
  version,
  modelVersions,
} from '../__testUtils__/versions';
import { ModelVersionsContent } from './ModelVersionsContent';

// The Model Versions tab: versions with their metrics, comparing them, the charts and the states.

jest.setTimeout(30_000);
// dialogs close with a transition and answers settle late on a busy machine
configure({ asyncUtilTimeout: 5_000 });

describe('Model Versions tab', () => {
  it('shows metrics per version, aliases, the dataset snapshot links and the run', async () => {
    await renderVersionsTab(
      <ModelVersionsContent />,
      { listModelVersions: async () => modelVersions },
      fraudDetector,
    );
    expect(await screen.findByText('champion → v2')).toBeInTheDocument();
    const row = within(
      screen.getByRole('checkbox', { name: 'select version 1' }).closest('tr')!,
    );
    expect(row.getByText('0.9000')).toBeInTheDocument();
    expect(row.getByText('—')).toBeInTheDocument(); // no f1
    expect(
      row.getByRole('link', { name: 'Job ml-training/train-fraud-1' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/model/fraud-detector/runs?run=train-fraud-1',
    );
    expect(
      row.getByRole('link', { name: 'finance-transactions @ snap-v1' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataset/finance-transactions/versions?snapshot=snap-v1',
    );
  });

  it('compares the selected versions', async () => {
    const compareModelVersions = jest.fn(async () => ({
      entityRef: MODEL,
      versions: [1, 2],
      metrics: ['auc', 'f1'],
      rows: [
        { version: 1, values: [0.9, null] },
        { version: 2, values: [0.93, 0.81] },
      ],
    }));
    await renderVersionsTab(
      <ModelVersionsContent />,
      { listModelVersions: async () => modelVersions, compareModelVersions },
      fraudDetector,
    );
    await screen.findByText('champion → v2');
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'select version 2' }),
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'select version 1' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Compare 2 selected' }),
    );
    expect(compareModelVersions).toHaveBeenCalledWith(
      { namespace: 'default', name: 'fraud-detector' },
      [1, 2],
    );
    const table = within(
      await screen.findByRole('table', { name: 'Compared metrics' }),
    );
    expect(table.getByText('0.8100')).toBeInTheDocument();
    expect(table.getByText('f1')).toBeInTheDocument();
  });

  it('explains a model without versions', async () => {
    await renderVersionsTab(
      <ModelVersionsContent />,
      {
        listModelVersions: async () => ({
          entityRef: MODEL,
          items: [],
          aliases: {},
        }),
      },
      fraudDetector,
    );
    expect(
      await screen.findByText('No versions registered'),
    ).toBeInTheDocument();
    // how to get one, in words: snapshot the data, then the template step or the docs
    expect(
      screen.getByText(
        /take a snapshot of each training dataset on its Versions tab, then add the kaml-d:model:register-version step to your training template/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/POST \/api/)).not.toBeInTheDocument();
  });
});

describe('Model Versions tab charts, permissions and lineage', () => {
  it('charts each metric across versions, labelled with its latest value', async () => {
    await renderVersionsTab(
      <ModelVersionsContent />,
      { listModelVersions: async () => modelVersions },
      fraudDetector,
    );
    expect(
      await screen.findByRole('img', {
        name: 'auc by version: latest auc 0.93',
      }),
    ).toBeInTheDocument();
    // one point per version that recorded the metric, in the chart's table for screen readers
    const auc = screen.getByRole('table', {
      name: 'auc by version: values by model version',
    });
    expect(within(auc).getAllByRole('row')).toHaveLength(3);
    expect(within(auc).getByText('v1')).toBeInTheDocument();
    expect(within(auc).getByText('v2')).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'f1 by version: latest f1 0.81' }),
    ).toBeInTheDocument();
  });

  it('explains a chart without metrics', async () => {
    await renderVersionsTab(
      <ModelVersionsContent />,
      {
        listModelVersions: async () => ({
          ...modelVersions,
          items: [version(1, {})],
        }),
      },
      fraudDetector,
    );
    expect(await screen.findByText(/No metrics recorded/)).toBeInTheDocument();
  });

  it('shows progress, then the server error when versions cannot be listed', async () => {
    await renderVersionsTab(
      <ModelVersionsContent />,
      { listModelVersions: () => pending() },
      fraudDetector,
    );
    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading model versions',
      }),
    ).toBeInTheDocument();
  });

  it('names the server error when versions cannot be listed', async () => {
    await renderVersionsTab(
      <ModelVersionsContent />,
      {
        listModelVersions: async () => {
          throw await responseError(500, 'Error', 'database is locked');
        },
      },
      fraudDetector,
    );
    expect(
      await screen.findByText(
        /Could not list the versions of fraud-detector: database is locked/,
      ),
    ).toBeInTheDocument();
  });
});
