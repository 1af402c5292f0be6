import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  FetchApi,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { KamlDClient, kamlDApiRef } from '../../api';
import { fraudDetector } from '../__fixtures__/entities';
import { RunsTab } from './RunsTab';

const answer = {
  model: 'fraud-detector',
  runs: [
    {
      kind: 'TrainJob',
      runtime: 'ClusterTrainingRuntime torch-distributed',
      name: 'train-fraud-det-1234567890',
      namespace: 'kaml-d-training',
      status: 'Running',
      message: '45%; node: 2 active, 2 ready',
      startTime: '2026-01-01T00:00:00.000Z',
      durationSeconds: 300,
      gpus: 4,
      progress: {
        jobs: [
          {
            name: 'node',
            ready: 2,
            succeeded: 0,
            failed: 0,
            active: 2,
            suspended: 0,
          },
        ],
        percent: 45,
        currentStep: 450,
        totalSteps: 1000,
        estimatedRemainingSeconds: 720,
      },
      pods: [
        {
          name: 'train-fraud-det-1234567890-node-0-0-abcde',
          phase: 'Running',
          containers: ['node'],
          restarts: 0,
          hasPrevious: false,
        },
      ],
    },
    {
      name: 'fraud-detector-train-1',
      namespace: 'kaml-d-training',
      status: 'Succeeded',
      gpus: 0,
      pods: [],
    },
  ],
  deployments: [],
};

function apis() {
  const fetchApi: FetchApi = {
    fetch: async () =>
      new Response(JSON.stringify(answer), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      }),
  };
  const discoveryApi = mockApis.discovery({ baseUrl: 'http://backend' });
  return [
    [discoveryApiRef, discoveryApi],
    [fetchApiRef, fetchApi],
    // the portal's client over the faked fetch: the tab reads through the API ref
    [kamlDApiRef, new KamlDClient({ discoveryApi, fetchApi })],
  ] as const;
}

describe('RunsTab with Kubeflow Trainer TrainJobs', () => {
  it('shows the kind and runtime, the trainer progress and child Jobs of a TrainJob next to a Job', async () => {
    await renderInTestApp(
      <EntityProvider entity={fraudDetector}>
        <RunsTab />
      </EntityProvider>,
      { apis: apis() },
    );
    const row = (await screen.findByText('train-fraud-det-1234567890')).closest(
      'tr',
    )!;
    expect(
      within(row).getByText(
        'TrainJob on ClusterTrainingRuntime torch-distributed',
      ),
    ).toBeInTheDocument();
    expect(within(row).getByText('Running')).toBeInTheDocument();
    expect(
      within(row).getByRole('progressbar', {
        name: 'Training progress 45%',
      }),
    ).toHaveAttribute('aria-valuenow', '45');
    expect(
      within(row).getByText('45% · step 450/1000 · 12 min left'),
    ).toBeInTheDocument();
    expect(
      within(row).getByText('node: 2 active, 2 ready'),
    ).toBeInTheDocument();
    expect(
      within(row).getByRole('button', {
        name: /Logs train-fraud-det-1234567890-node-0-0-abcde/,
      }),
    ).toBeInTheDocument();
    // the Job reports no progress: its cell says so
    const job = screen.getByText('fraud-detector-train-1').closest('tr')!;
    expect(within(job).getAllByText('—').length).toBeGreaterThan(0);
    expect(
      screen.getByRole('columnheader', { name: 'Progress' }),
    ).toBeInTheDocument();
  });
});
