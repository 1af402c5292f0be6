import {
  describeTrainJobProgress,
  interpretTrainJobStatus,
  trainJobProgress,
} from './trainJob';

const node = (o: Record<string, number>) => ({
  name: 'node',
  ready: 0,
  succeeded: 0,
  failed: 0,
  active: 0,
  suspended: 0,
  ...o,
});

describe('interpretTrainJobStatus', () => {
  it('is Pending with a hint before the Trainer controller reported anything', () => {
    expect(interpretTrainJobStatus(undefined)).toEqual({
      status: 'Pending',
      message:
        'no status reported yet: is the Kubeflow Trainer controller running?',
    });
  });

  it('is Running while a child Job is active, saying how far the jobs are', () => {
    expect(
      interpretTrainJobStatus({
        jobsStatus: [
          node({ active: 2 }),
          { name: 'dataset-initializer', succeeded: 1 },
        ],
      }),
    ).toEqual({
      status: 'Running',
      message: 'node: 2 active; dataset-initializer: 1 succeeded',
    });
  });

  it('Failed and Complete are terminal (Failed first); Suspended keeps it Pending', () => {
    const failed = {
      type: 'Failed',
      status: 'True',
      reason: 'FailedJobs',
      message: 'jobset failed: node-0 exited 1',
    };
    const complete = {
      type: 'Complete',
      status: 'True',
      reason: 'AllJobsCompleted',
      message: 'jobset completed successfully',
    };
    expect(interpretTrainJobStatus({ conditions: [complete, failed] })).toEqual(
      {
        status: 'Failed',
        message: 'FailedJobs: jobset failed: node-0 exited 1',
      },
    );
    expect(
      interpretTrainJobStatus({
        conditions: [
          { type: 'Suspended', status: 'False', reason: 'Resumed' },
          complete,
        ],
      }),
    ).toEqual({
      status: 'Succeeded',
      message: 'AllJobsCompleted: jobset completed successfully',
    });
    expect(
      interpretTrainJobStatus({
        conditions: [
          {
            type: 'Suspended',
            status: 'True',
            reason: 'Suspended',
            message: 'TrainJob is suspended',
          },
        ],
        jobsStatus: [node({ suspended: 1 })],
      }),
    ).toEqual({
      status: 'Pending',
      message: 'suspended: Suspended: TrainJob is suspended',
    });
  });
});

describe('trainJobProgress', () => {
  it('is undefined when nothing is reported', () => {
    expect(trainJobProgress({ conditions: [] })).toBeUndefined();
  });

  it('reads jobsStatus and the trainer status of Trainer v2.2, ignoring nonsense', () => {
    const progress = trainJobProgress({
      jobsStatus: [node({ active: 1, ready: 1 }), { ready: 3 }],
      trainerStatus: {
        progressPercentage: 45,
        estimatedRemainingSeconds: 795,
        currentStep: 4500,
        totalSteps: 10000,
        currentEpoch: 2,
        totalEpochs: 'five',
        lastUpdatedTime: '2026-01-23T10:30:45Z',
      },
    });
    expect(progress).toEqual({
      jobs: [node({ active: 1, ready: 1 })],
      percent: 45,
      estimatedRemainingSeconds: 795,
      currentStep: 4500,
      totalSteps: 10000,
      currentEpoch: 2,
    });
    expect(describeTrainJobProgress(progress!)).toBe(
      '45%; step 4500/10000; epoch 2; 795s left; node: 1 active, 1 ready',
    );
  });
});
