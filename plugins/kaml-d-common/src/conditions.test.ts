import {
  interpretServingConditions,
  interpretTrainingConditions,
} from './conditions';

describe('interpretTrainingConditions', () => {
  it.each([
    [undefined, 'Pending', 'is the training operator running?'],
    [
      [{ type: 'Created', status: 'True', reason: 'TFJobCreated' }],
      'Pending',
      'TFJobCreated',
    ],
    [
      [
        {
          type: 'Created',
          status: 'True',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
        {
          type: 'Running',
          status: 'True',
          reason: 'TFJobRunning',
          lastTransitionTime: '2026-01-01T00:01:00Z',
        },
      ],
      'Running',
      'TFJobRunning',
    ],
    [
      [{ type: 'Restarting', status: 'True', message: 'worker-0 restarted' }],
      'Running',
      'restarting: worker-0 restarted',
    ],
    [
      [
        { type: 'Running', status: 'False' },
        {
          type: 'Succeeded',
          status: 'True',
          reason: 'TFJobSucceeded',
          message: 'TFJob x successfully completed.',
        },
      ],
      'Succeeded',
      'TFJobSucceeded: TFJob x successfully completed.',
    ],
    [
      [
        { type: 'Succeeded', status: 'True' },
        {
          type: 'Failed',
          status: 'True',
          reason: 'PyTorchJobFailed',
          message: 'master-0 exited 1',
        },
      ],
      'Failed',
      'PyTorchJobFailed: master-0 exited 1',
    ],
    [[{ type: 'Suspended', status: 'True' }], 'Pending', 'suspended'],
  ])('%j → %s', (conditions, status, message) => {
    const result = interpretTrainingConditions(conditions);
    expect(result.status).toBe(status);
    expect(result.message).toContain(message);
  });
});

describe('interpretServingConditions', () => {
  it('is Ready when Ready is True', () => {
    expect(
      interpretServingConditions([
        { type: 'PredictorReady', status: 'True' },
        { type: 'Ready', status: 'True' },
      ]),
    ).toEqual({ status: 'Ready', message: 'Ready' });
  });
  it('is NotReady during a rollout, naming the conditions that are not True', () => {
    expect(
      interpretServingConditions([
        {
          type: 'PredictorReady',
          status: 'Unknown',
          reason: 'RevisionMissing',
        },
        { type: 'Ready', status: 'False', reason: 'RevisionMissing' },
      ]),
    ).toEqual({
      status: 'NotReady',
      message: 'PredictorReady: RevisionMissing; Ready: RevisionMissing',
    });
  });
  it('is Failed when a component reports a failure', () => {
    const result = interpretServingConditions([
      {
        type: 'PredictorReady',
        status: 'False',
        reason: 'RevisionFailed',
        message: 'image pull BackOff',
      },
      { type: 'Ready', status: 'False' },
    ]);
    expect(result.status).toBe('Failed');
    expect(result.message).toContain('RevisionFailed: image pull BackOff');
  });
  it('is Unknown before the controller reported', () => {
    expect(interpretServingConditions(undefined).status).toBe('Unknown');
  });
});
