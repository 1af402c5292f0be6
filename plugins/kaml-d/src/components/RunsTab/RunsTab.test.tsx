import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  FetchApi,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { KamlDClient, kamlDApiRef } from '../../api';
import { fraudDetector } from '../__fixtures__/entities';
import { DeploymentsTab, RunsTab, formatDuration } from './RunsTab';

const answer = {
  model: 'fraud-detector',
  runs: [
    {
      name: 'fraud-detector-train-1',
      namespace: 'kaml-d-training',
      status: 'Succeeded',
      startTime: '2026-01-01T00:00:00.000Z',
      durationSeconds: 125,
      gpus: 2,
      pods: [
        {
          name: 'fraud-detector-train-1-abc',
          phase: 'Succeeded',
          containers: ['train'],
          restarts: 1,
          hasPrevious: true,
        },
      ],
    },
  ],
  deployments: [
    {
      name: 'fraud-detector',
      namespace: 'kaml-d-models',
      version: 'v3',
      track: 'stable',
      desiredReplicas: 2,
      readyReplicas: 2,
      endpoint: 'http://fraud-detector.kaml-d-models.svc.cluster.local',
    },
  ],
};

function apis(urls: string[], answerBody: unknown = answer) {
  const json = (body: unknown) =>
    new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  const fetchApi: FetchApi = {
    fetch: async input => {
      const url = String(input);
      urls.push(url);
      return url.includes('/logs')
        ? json({ pod: 'p', container: 'train', text: 'epoch 3 loss 0.12' })
        : json(answerBody);
    },
  };
  const discoveryApi = mockApis.discovery({ baseUrl: 'http://backend' });
  return [
    [discoveryApiRef, discoveryApi],
    [fetchApiRef, fetchApi],
    // the portal's client over the faked fetch: the tab reads through the API ref
    [kamlDApiRef, new KamlDClient({ discoveryApi, fetchApi })],
  ] as const;
}

describe('RunsTab', () => {
  it('lists runs with status, duration and GPUs, and shows a pod log with the previous container', async () => {
    const urls: string[] = [];
    await renderInTestApp(
      <EntityProvider entity={fraudDetector}>
        <RunsTab />
      </EntityProvider>,
      { apis: apis(urls) },
    );
    expect(
      await screen.findByText('fraud-detector-train-1'),
    ).toBeInTheDocument();
    expect(screen.getByText('Succeeded')).toBeInTheDocument();
    expect(screen.getByText('2m 05s')).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: /Logs fraud-detector-train-1-abc/ }),
    );
    expect(await screen.findByText('epoch 3 loss 0.12')).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Previous container'));
    await screen.findByText('epoch 3 loss 0.12');
    expect(urls.some(u => u.endsWith('logs?tailLines=500&previous=true'))).toBe(
      true,
    );
    expect(urls[0]).toBe(
      'http://backend/api/kaml-d/runs/default/fraud-detector',
    );
  });

  it('shows the version served, replicas and endpoint on the Deployments tab', async () => {
    await renderInTestApp(
      <EntityProvider entity={fraudDetector}>
        <DeploymentsTab />
      </EntityProvider>,
      { apis: apis([]) },
    );
    expect(await screen.findByText('v3')).toBeInTheDocument();
    expect(screen.getByText('2/2')).toBeInTheDocument();
    expect(
      screen.getByText('http://fraud-detector.kaml-d-models.svc.cluster.local'),
    ).toBeInTheDocument();
  });

  it('shows training-operator runs and InferenceServices with their interpreted status, and names lists that failed', async () => {
    const custom = {
      model: 'fraud-detector',
      runs: [
        {
          kind: 'TFJob',
          name: 'train-fraud-tf',
          namespace: 'kaml-d-training',
          status: 'Failed',
          message: 'TFJobFailed: worker-0 exited with code 1',
          gpus: 4,
          pods: [],
        },
      ],
      deployments: [
        {
          kind: 'InferenceService',
          name: 'fraud-detector',
          namespace: 'kaml-d-models',
          status: 'NotReady',
          message: 'PredictorReady: RevisionMissing',
          canaryTrafficPercent: 20,
          desiredReplicas: 2,
          readyReplicas: 0,
          endpoint: 'http://fraud-detector.kaml-d-models.example.com',
        },
      ],
      errors: [
        {
          source: 'kubernetes',
          name: 'pytorchjobs.kubeflow.org',
          statusCode: 403,
          message: 'HTTP 403 forbidden',
        },
      ],
    };
    const first = await renderInTestApp(
      <EntityProvider entity={fraudDetector}>
        <RunsTab />
      </EntityProvider>,
      { apis: apis([], custom) },
    );
    expect(await screen.findByText('train-fraud-tf')).toBeInTheDocument();
    expect(screen.getByText('TFJob')).toBeInTheDocument();
    expect(screen.getByText('Failed')).toBeInTheDocument();
    expect(
      screen.getByText('TFJobFailed: worker-0 exited with code 1'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Partly loaded: pytorchjobs.kubeflow.org: HTTP 403/),
    ).toBeInTheDocument();
    first.unmount();

    await renderInTestApp(
      <EntityProvider entity={fraudDetector}>
        <DeploymentsTab />
      </EntityProvider>,
      { apis: apis([], custom) },
    );
    expect(await screen.findByText('InferenceService')).toBeInTheDocument();
    expect(screen.getByText('NotReady')).toBeInTheDocument();
    expect(
      screen.getByText('PredictorReady: RevisionMissing'),
    ).toBeInTheDocument();
    expect(screen.getByText('canary 20%')).toBeInTheDocument();
  });

  it('formats durations', () => {
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(7)).toBe('7s');
    expect(formatDuration(3725)).toBe('1h 02m');
  });
});
