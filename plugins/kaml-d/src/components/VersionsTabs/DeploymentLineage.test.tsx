import { configure, screen, within } from '@testing-library/react';
import { fraudDetector } from '../__fixtures__/entities';
import {
  renderVersionsTab,
  DATASET,
  modelVersions,
} from '../__testUtils__/versions';
import { ModelVersionsContent } from './ModelVersionsContent';

// The lineage on the Model Versions tab: which version each Deployment serves and the snapshots behind it.

jest.setTimeout(30_000);
// dialogs close with a transition and answers settle late on a busy machine
configure({ asyncUtilTimeout: 5_000 });

describe('Model Versions tab charts, permissions and lineage', () => {
  it('shows which version each deployment serves and the snapshots behind it', async () => {
    const listModelVersions = jest.fn(async () => ({
      ...modelVersions,
      deployments: [
        {
          name: 'fraud-detector',
          namespace: 'kaml-models',
          label: '2',
          track: 'stable',
          desiredReplicas: 2,
          readyReplicas: 2,
          served: {
            version: 2,
            aliases: ['champion'],
            trainedOn: [{ datasetRef: DATASET, snapshotId: 'snap-v2' }],
          },
        },
        {
          name: 'fraud-detector-canary',
          namespace: 'kaml-models',
          label: '1.4.0',
          track: 'canary',
          desiredReplicas: 1,
          readyReplicas: 0,
        },
      ],
    }));
    await renderVersionsTab(
      <ModelVersionsContent />,
      { listModelVersions },
      fraudDetector,
    );
    const table = within(
      await screen.findByRole('table', {
        name: 'Deployments and the versions they serve',
      }),
    );
    const stable = within(
      table.getByText('kaml-models/fraud-detector').closest('tr')!,
    );
    expect(stable.getByText('v2 (champion)')).toBeInTheDocument();
    expect(stable.getByText('2/2')).toBeInTheDocument();
    expect(
      stable.getByRole('link', { name: 'finance-transactions @ snap-v2' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataset/finance-transactions/versions?snapshot=snap-v2',
    );
    const canary = within(
      table.getByText('kaml-models/fraud-detector-canary').closest('tr')!,
    );
    expect(
      canary.getByText('1.4.0 (not a registered version)'),
    ).toBeInTheDocument();
    expect(canary.getByText('0/1')).toBeInTheDocument();
    // versions, aliases and deployments come in one answer
    expect(listModelVersions).toHaveBeenCalledTimes(1);
    expect(listModelVersions).toHaveBeenCalledWith(
      { namespace: 'default', name: 'fraud-detector' },
      { includeDeployments: true },
    );
  });

  it('says so when no deployment serves the model, or the cluster cannot be read', async () => {
    const { unmount } = await renderVersionsTab(
      <ModelVersionsContent />,
      {
        listModelVersions: async () => ({ ...modelVersions, deployments: [] }),
      },
      fraudDetector,
    );
    expect(
      await screen.findByText(/No serving Deployment of this model/),
    ).toBeInTheDocument();
    unmount();
    await renderVersionsTab(
      <ModelVersionsContent />,
      {
        listModelVersions: async () => ({
          ...modelVersions,
          deployments: [],
          deploymentsError: 'connect ECONNREFUSED',
        }),
      },
      fraudDetector,
    );
    expect(
      await screen.findByText(
        'Could not read the deployments from the cluster: connect ECONNREFUSED',
      ),
    ).toBeInTheDocument();
    // the versions are shown beside the cluster's error
    expect(screen.getByText('champion → v2')).toBeInTheDocument();
  });
});
