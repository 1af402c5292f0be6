import {
  customWorkload,
  deploymentWorkload,
  jobWorkload,
  podWorkload,
  validateLabelSelector,
} from './kubernetes';
import { PrometheusAlert, matchAlerts } from './prometheus';

describe('label selectors from annotations', () => {
  it.each([
    [
      'app.kubernetes.io/name=fraud-detector',
      'app.kubernetes.io/name=fraud-detector',
    ],
    ['app=a, tier in (web, api),!canary', 'app=a,tier in (web, api),!canary'],
    ['app!=b', 'app!=b'],
  ])('accepts %s', (selector, normalised) => {
    expect(validateLabelSelector(selector)).toBe(normalised);
  });

  it.each([
    'app=a b',
    'app=a"',
    'app=a\nother=b',
    'app=(x)',
    'app in x',
    '=x',
    `app=${'x'.repeat(64)}`,
  ])('refuses %j', selector => {
    expect(validateLabelSelector(selector)).toBeUndefined();
  });
});

describe('workload interpretation', () => {
  it('reads a crash-looping pod as unhealthy with its restarts', () => {
    const w = podWorkload('rig', {
      metadata: { name: 'voice-classifier-1', namespace: 'kaml-d-models' },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [
          {
            name: 'c',
            image: 'i',
            imageID: '',
            ready: false,
            restartCount: 7,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
          },
        ],
      },
    });
    expect(w).toMatchObject({
      kind: 'Pod',
      phase: 'CrashLoopBackOff',
      healthy: false,
      restarts: 7,
    });
  });

  it('reads deployments, jobs and custom resources by their conditions', () => {
    expect(
      deploymentWorkload('rig', {
        metadata: { name: 'd' },
        spec: { replicas: 2, selector: {}, template: {} },
        status: { readyReplicas: 1 },
      }),
    ).toMatchObject({ phase: '1/2 ready', healthy: false });
    expect(
      jobWorkload('rig', {
        metadata: { name: 'j' },
        status: {
          conditions: [
            { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' },
          ],
        },
      }),
    ).toMatchObject({ phase: 'Failed', healthy: false });
    expect(
      customWorkload('rig', 'InferenceService', {
        metadata: { name: 'isvc' },
        status: {
          conditions: [
            { type: 'Ready', status: 'False', reason: 'RevisionMissing' },
          ],
        },
      }),
    ).toMatchObject({ phase: 'Ready=False (RevisionMissing)', healthy: false });
    expect(
      customWorkload('rig', 'InferenceService', { metadata: { name: 'isvc' } }),
    ).toMatchObject({ phase: 'no conditions', healthy: true });
  });
});

describe('matchAlerts', () => {
  it('keeps firing alerts about the entity, in its namespace', () => {
    const alerts: PrometheusAlert[] = [
      {
        labels: {
          alertname: 'KamlModelHighErrorRate',
          model: 'voice-classifier',
          namespace: 'kaml-d-models',
          severity: 'critical',
        },
        annotations: { summary: 's' },
        state: 'firing',
      },
      {
        labels: {
          alertname: 'Other',
          model: 'voice-classifier',
          namespace: 'elsewhere',
        },
        state: 'firing',
      },
      {
        labels: { alertname: 'Pending', model: 'voice-classifier' },
        state: 'pending',
      },
      {
        labels: { alertname: 'PodMem', pod: 'voice-classifier-predictor-1' },
        state: 'firing',
      },
      {
        labels: { alertname: 'NotMine', model: 'voice-classifier-v2' },
        state: 'firing',
      },
    ];
    expect(
      matchAlerts(
        alerts,
        { id: 'voice-classifier', namespace: 'kaml-d-models' },
        'rig',
      ).map(a => a.name),
    ).toEqual(['KamlModelHighErrorRate', 'PodMem']);
  });
});
