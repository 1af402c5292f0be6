import { matrixToSeries } from './series';
import { decideHeadline } from './headline';
import { ObservationWorkload } from '@kaml-d/plugin-kaml-d-common';

// as /api/v1/query_range answered for the rig's voice-classifier latency panel
const latencyMatrix = [
  {
    metric: { quantile: 'p95' },
    values: [
      [1764132000, '4.9'],
      [1764132015, '5.6'],
    ] as Array<[number, string]>,
  },
  {
    metric: { quantile: 'p50' },
    values: [
      [1764132000, '1.875'],
      [1764132015, 'NaN'],
      [1764132030, '2.01'],
    ] as Array<[number, string]>,
  },
  {
    metric: { quantile: 'p99' },
    values: [[1764132000, '+Inf']] as Array<[number, string]>,
  },
];

describe('matrixToSeries', () => {
  it('names series by the legend labels, converts values and leaves NaN/Inf as gaps', () => {
    expect(matrixToSeries(latencyMatrix, ['quantile'], 'Latency')).toEqual([
      {
        label: 'p50',
        points: [
          [1764132000, 1.875],
          [1764132030, 2.01],
        ],
      },
      {
        label: 'p95',
        points: [
          [1764132000, 4.9],
          [1764132015, 5.6],
        ],
      },
    ]);
  });

  it('falls back to the title when the legend labels are absent, and sorts pods naturally', () => {
    expect(
      matrixToSeries(
        [{ metric: {}, values: [[1, '0.25']] }],
        [],
        'Error ratio',
      ),
    ).toEqual([{ label: 'Error ratio', points: [[1, 0.25]] }]);
    expect(
      matrixToSeries(
        [
          { metric: { pod: 'p-10' }, values: [[1, '1']] },
          { metric: { pod: 'p-9' }, values: [[1, '2']] },
        ],
        ['pod'],
        'CPU',
      ).map(s => s.label),
    ).toEqual(['p-9', 'p-10']);
  });
});

const pod = (
  name: string,
  healthy: boolean,
  phase: string,
): ObservationWorkload => ({
  cluster: 'rig',
  kind: 'Pod',
  namespace: 'kaml-d-models',
  name,
  phase,
  healthy,
  restarts: healthy ? 0 : 7,
  conditions: [],
});
const series = [
  {
    id: 'latency',
    title: 'Latency',
    unit: 'seconds',
    series: [{ label: 'p95', points: [[1, 1]] as Array<[number, number]> }],
  },
];
const both = { kubernetes: true, prometheus: true };

describe('decideHeadline', () => {
  it('says what to configure when nothing is', () => {
    expect(
      decideHeadline({
        configured: { kubernetes: false, prometheus: false },
        workloads: [],
        panels: [],
        alerts: [],
        errors: [],
      }),
    ).toEqual({
      status: 'unknown',
      reason: expect.stringContaining(
        'configure kamlD.workloadCluster or kamlD.clusters',
      ),
    });
  });

  it('is down when no workload is healthy', () => {
    expect(
      decideHeadline({
        configured: both,
        workloads: [pod('a-1', false, 'CrashLoopBackOff')],
        panels: series,
        alerts: [],
        errors: [],
      }),
    ).toEqual({
      status: 'down',
      reason: 'No workload is healthy: Pod a-1 CrashLoopBackOff',
    });
  });

  const errorRate = {
    name: 'KamlModelHighErrorRate',
    severity: 'critical',
    summary: 'Model voice-classifier answers 31% of its requests with 5xx',
    source: 'rig',
    labels: {},
  };
  const latency = {
    name: 'KamlModelHighLatency',
    severity: 'warning',
    summary: 'Model voice-classifier p95 latency is 4.9s',
    source: 'rig',
    labels: {},
  };
  const deployment = (
    phase: string,
    healthy: boolean,
    available: string,
  ): ObservationWorkload => ({
    cluster: 'rig',
    kind: 'Deployment',
    namespace: 'kaml-d-models',
    name: 'voice-classifier-predictor',
    phase,
    healthy,
    conditions: [{ type: 'Available', status: available }],
  });

  it('is unhealthy (red) when a critical alert fires, naming it and its summary first', () => {
    const headline = decideHeadline({
      configured: both,
      workloads: [pod('a-1', true, 'Running')],
      panels: series,
      alerts: [latency, errorRate],
      errors: [],
    });
    expect(headline).toEqual({
      status: 'unhealthy',
      reason:
        '2 alerts firing — KamlModelHighErrorRate (critical): Model voice-classifier answers 31% of its requests with 5xx; KamlModelHighLatency (warning): Model voice-classifier p95 latency is 4.9s',
    });
    // severity is matched case-insensitively
    expect(
      decideHeadline({
        configured: both,
        workloads: [],
        panels: series,
        alerts: [{ ...errorRate, severity: 'CRITICAL' }],
        errors: [],
      }).status,
    ).toBe('unhealthy');
  });

  it('stays degraded (amber) when only warnings fire', () => {
    expect(
      decideHeadline({
        configured: both,
        workloads: [],
        panels: series,
        alerts: [latency],
        errors: [],
      }),
    ).toEqual({
      status: 'degraded',
      reason:
        '1 alert firing — KamlModelHighLatency (warning): Model voice-classifier p95 latency is 4.9s',
    });
  });

  it('is unhealthy when a Deployment is unavailable, even with healthy pods elsewhere', () => {
    expect(
      decideHeadline({
        configured: both,
        workloads: [
          deployment('0/2 ready', false, 'False'),
          pod('other-1', true, 'Running'),
        ],
        panels: series,
        alerts: [latency],
        errors: [],
      }),
    ).toEqual({
      status: 'unhealthy',
      reason:
        '1 Deployment unavailable: Deployment voice-classifier-predictor 0/2 ready; 1 alert firing — KamlModelHighLatency (warning): Model voice-classifier p95 latency is 4.9s',
    });
    // no Available condition yet, but no ready replica either
    expect(
      decideHeadline({
        configured: both,
        workloads: [
          { ...deployment('0/1 ready', false, 'True'), conditions: [] },
          pod('other-1', true, 'Running'),
        ],
        panels: [],
        alerts: [],
        errors: [],
      }).status,
    ).toBe('unhealthy');
  });

  it('is degraded when a Deployment is short of replicas but still available', () => {
    expect(
      decideHeadline({
        configured: both,
        workloads: [
          deployment('1/2 ready', false, 'True'),
          pod('a-1', true, 'Running'),
        ],
        panels: [],
        alerts: [],
        errors: [],
      }),
    ).toEqual({
      status: 'degraded',
      reason:
        '1 of 2 workloads unhealthy: Deployment voice-classifier-predictor 1/2 ready',
    });
  });

  it('is degraded when some workloads are unhealthy', () => {
    expect(
      decideHeadline({
        configured: both,
        workloads: [pod('a-1', true, 'Running'), pod('a-2', false, 'Pending')],
        panels: [],
        alerts: [],
        errors: [],
      }).status,
    ).toBe('degraded');
  });

  it('is unknown when nothing was found, naming what could not be read', () => {
    expect(
      decideHeadline({
        configured: both,
        workloads: [],
        panels: [{ ...series[0], series: [] }],
        alerts: [],
        errors: [
          {
            source: 'prometheus',
            name: 'main',
            message: 'Prometheus unreachable',
          },
        ],
      }),
    ).toEqual({
      status: 'unknown',
      reason: 'Could not read prometheus main; nothing else was found',
    });
  });

  it('is healthy when what loaded is fine, and still names the source that failed', () => {
    expect(
      decideHeadline({
        configured: both,
        workloads: [],
        panels: series,
        alerts: [],
        errors: [{ source: 'kubernetes', name: 'rig', message: 'refused' }],
      }),
    ).toEqual({
      status: 'healthy',
      reason: 'no alerts firing (could not read kubernetes rig)',
    });
  });
});
