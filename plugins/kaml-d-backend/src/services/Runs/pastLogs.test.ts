import { ConfigReader } from '@backstage/config';
import { readTelemetryConfig } from '../Telemetry/config';
import { PastLogQuery, PastLogSource } from '../Telemetry/pastLogs';
import {
  isRunPodName,
  runWindow,
  searchRunPastLogs,
  withRunTelemetry,
} from './pastLogs';
import { ModelRunsResponse, TrainingRun } from './types';

const now = Date.parse('2026-12-07T10:00:00Z');
const run: TrainingRun = {
  kind: 'Job',
  name: 'train-churn-0123456789',
  namespace: 'kaml-d-training',
  status: 'Succeeded',
  startTime: '2026-12-07T08:00:00Z',
  completionTime: '2026-12-07T08:30:00Z',
  gpus: 0,
  pods: [
    {
      name: 'train-churn-0123456789-abcde',
      phase: 'Succeeded',
      containers: ['trainer'],
      restarts: 0,
      hasPrevious: false,
    },
  ],
};
const answer: ModelRunsResponse = {
  model: 'churn',
  runs: [run],
  deployments: [
    {
      name: 'churn-v3',
      namespace: 'kaml-d-models',
      version: 'v3',
      desiredReplicas: 1,
      readyReplicas: 1,
      endpoint: 'http://churn-v3.kaml-d-models.svc',
    },
  ],
};

function recordingSource() {
  const queries: PastLogQuery[] = [];
  const source: PastLogSource = {
    kind: 'elasticsearch',
    async search(q) {
      queries.push(q);
      return [
        { time: '2026-12-07T08:01:00.000Z', pod: q.pod, line: 'epoch 1' },
      ];
    },
  };
  return { source, queries };
}

describe('run telemetry', () => {
  it('windows a run from start to completion with five minutes on each side', () => {
    expect(runWindow(run, now)).toEqual({
      startMs: Date.parse('2026-12-07T07:55:00Z'),
      endMs: Date.parse('2026-12-07T08:35:00Z'),
    });
    // a running run ends now
    expect(runWindow({ ...run, completionTime: undefined }, now).endMs).toBe(
      now,
    );
  });

  it('links each run only in the configured tools and names the past-log store', () => {
    const config = readTelemetryConfig(
      new ConfigReader({
        kamlD: {
          observation: {
            logs: {
              grafana: { url: 'https://g.example.com', datasource: 'loki' },
            },
            traces: { jaeger: { url: 'https://j.example.com' } },
          },
        },
      }),
    );
    const out = withRunTelemetry(answer, config, {
      service: 'churn',
      pastLogs: 'loki',
      now,
    });
    expect(out.pastLogs).toBe('loki');
    const links = out.runs[0].telemetry!;
    expect(links.logs.map(l => l.tool)).toEqual(['grafana']);
    expect(links.traces.map(l => l.tool)).toEqual(['jaeger']);
    const pane = JSON.parse(
      new URL(links.logs[0].url).searchParams.get('panes')!,
    ).kamld;
    expect(pane.queries[0].expr).toBe(
      '{namespace="kaml-d-training", pod="train-churn-0123456789-abcde"}',
    );
    expect(pane.range.from).toBe(String(Date.parse('2026-12-07T07:55:00Z')));
    const deployment = out.deployments[0].telemetry!;
    const deploymentPane = JSON.parse(
      new URL(deployment.logs[0].url).searchParams.get('panes')!,
    ).kamld;
    expect(deploymentPane.queries[0].expr).toBe(
      '{namespace="kaml-d-models", pod=~"churn-v3-.*"}',
    );
    expect(deploymentPane.range).toEqual({
      from: String(now - 3_600_000),
      to: String(now),
    });
    const jaeger = new URL(links.traces[0].url).searchParams;
    expect(jaeger.get('start')).toBe(
      String(Date.parse('2026-12-07T07:55:00Z') * 1000),
    );
    // nothing configured: the answer is unchanged
    expect(
      withRunTelemetry(answer, undefined, { service: 'churn', now }),
    ).toEqual(answer);
  });
});

describe('past-log search of a run pod', () => {
  it('knows the pod names a run of the model gives, trimmed names included', () => {
    expect(isRunPodName('churn', 'train-churn-0123456789-abcde')).toBe(true);
    expect(isRunPodName('churn', 'train-churn-0123456789-master-0')).toBe(true);
    expect(isRunPodName('churn', 'train-churn-0123456789')).toBe(true);
    expect(isRunPodName('churn', 'train-churn-v2-0123456789-abcde')).toBe(
      false,
    );
    expect(isRunPodName('churn', 'train-other-0123456789-abcde')).toBe(false);
    expect(isRunPodName('churn', 'serve-churn-0123456789')).toBe(false);
    const long = 'a-very-long-model-name-that-is-trimmed-by-launch-x';
    expect(
      isRunPodName(long, `train-${long.slice(0, 30)}-0123456789-abcde`),
    ).toBe(true);
  });

  it("searches a current run's pod over the run's window", async () => {
    const { source, queries } = recordingSource();
    const out = await searchRunPastLogs({
      source,
      model: 'churn',
      namespace: 'kaml-d-training',
      current: answer,
      request: { pod: run.pods[0].name, text: 'epoch', limit: 100 },
      now,
    });
    expect(out).toEqual({
      pod: run.pods[0].name,
      source: 'elasticsearch',
      window: {
        start: '2026-12-07T07:55:00.000Z',
        end: '2026-12-07T08:35:00.000Z',
      },
      lines: [
        {
          time: '2026-12-07T08:01:00.000Z',
          pod: run.pods[0].name,
          line: 'epoch 1',
        },
      ],
    });
    expect(queries[0]).toMatchObject({
      namespace: 'kaml-d-training',
      text: 'epoch',
      limit: 100,
    });
  });

  it('searches a deleted pod named like a run of the model over the last 7 days', async () => {
    const { source, queries } = recordingSource();
    await searchRunPastLogs({
      source,
      model: 'churn',
      namespace: 'project-ns',
      current: undefined,
      request: { pod: 'train-churn-fedcba9876-zz9zz', limit: 10 },
      now,
    });
    expect(queries[0]).toMatchObject({
      namespace: 'project-ns',
      window: { startMs: now - 7 * 86_400_000, endMs: now },
    });
  });

  it('turns a store that is down into a 503 naming it', async () => {
    const down: PastLogSource = {
      kind: 'loki',
      search: async () => {
        throw new Error(
          'Loki http://loki:3100 unreachable: connect ECONNREFUSED',
        );
      },
    };
    await expect(
      searchRunPastLogs({
        source: down,
        model: 'churn',
        namespace: 'n',
        current: answer,
        request: { pod: run.pods[0].name, limit: 1 },
        now,
      }),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'Past logs unavailable: Loki http://loki:3100 unreachable: connect ECONNREFUSED',
    });
  });

  it("refuses another model's pod and bad bounds", async () => {
    const { source } = recordingSource();
    const base = {
      source,
      model: 'churn',
      namespace: 'n',
      current: answer,
      now,
    };
    await expect(
      searchRunPastLogs({
        ...base,
        request: { pod: 'train-fraud-0123456789-a', limit: 1 },
      }),
    ).rejects.toThrow(
      'Pod train-fraud-0123456789-a is neither a pod of a current run of model churn',
    );
    await expect(
      searchRunPastLogs({
        ...base,
        request: {
          pod: run.pods[0].name,
          limit: 1,
          start: '2026-12-07T09:00:00Z',
          end: '2026-12-07T08:00:00Z',
        },
      }),
    ).rejects.toThrow('start and end must be ISO times with start before end');
  });
});
