import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { runAction } from '../__testUtils__/actionContext';
import { setup } from '../__testUtils__/setup';
import { createTrainingLaunchAction } from './trainingLaunch';
import { createTrainingWaitAction, jobOutcome } from './trainingWait';

async function launch(
  podAnnotations: Record<string, string> = {},
  delayReads = 2,
) {
  const env = setup({ delayReads });
  const { outputs } = await runAction(
    createTrainingLaunchAction({
      kubernetes: env.kubernetes,
      catalog: env.catalog,
    }),
    { model: 'churn-classifier', image: 'trainer:1', podAnnotations },
  );
  return { ...env, jobName: String(outputs.jobName) };
}

describe('kaml-d:training:wait', () => {
  it('waits for Complete, streams each log line once and reports the run', async () => {
    const { kubernetes, jobName } = await launch();
    const action = createTrainingWaitAction({ kubernetes });
    const { outputs, lines } = await runAction(action, {
      jobName,
      pollIntervalSeconds: 0.05,
    });
    expect(outputs).toEqual({
      status: 'Succeeded',
      startTime: '2026-01-01T00:00:00.000Z',
      completionTime: '2026-01-01T00:00:03.000Z',
      durationSeconds: 3,
    });
    expect(lines.filter(l => l.includes('epoch 1 loss 0.9'))).toEqual([
      `[${jobName}-abcde] epoch 1 loss 0.9`,
    ]);
    expect(lines.filter(l => l.includes('epoch 2'))).toHaveLength(1);
  });

  it('fails the step when the Job fails', async () => {
    const { kubernetes, jobName } = await launch({
      'kaml-d.io/sim-outcome': 'fail',
    });
    const action = createTrainingWaitAction({ kubernetes });
    await expect(
      runAction(action, { jobName, pollIntervalSeconds: 0.05 }),
    ).rejects.toThrow(
      `training Job kaml-d-training/${jobName} failed: BackoffLimitExceeded: Job has reached the specified backoff limit`,
    );
  });

  it('fails the step at the timeout', async () => {
    const { kubernetes, jobName } = await launch({}, 1_000_000);
    const action = createTrainingWaitAction({ kubernetes });
    await expect(
      runAction(action, {
        jobName,
        timeoutSeconds: 0.2,
        pollIntervalSeconds: 0.05,
      }),
    ).rejects.toThrow('did not finish within 0.2s');
  });

  it('fails for a Job that does not exist, and on dry run only checks access', async () => {
    const { kubernetes, cluster } = setup();
    const action = createTrainingWaitAction({ kubernetes });
    await expect(
      runAction(action, { jobName: 'train-missing' }),
    ).rejects.toThrow('Job kaml-d-training/train-missing does not exist');
    await expect(
      runAction(action, { jobName: 'train-missing' }, { dryRun: true }),
    ).resolves.toBeDefined();
    await expect(runAction(action, { jobName: 'Bad/Name' })).rejects.toThrow(
      'is not a valid Kubernetes name',
    );
    expect(cluster.mutations).toEqual([]);
  });

  it('reads the outcome from the conditions', () => {
    expect(
      jobOutcome({
        status: { conditions: [{ type: 'Complete', status: 'True' }] },
      }),
    ).toBe('Succeeded');
    expect(
      jobOutcome({
        status: { conditions: [{ type: 'Failed', status: 'True' }] },
      }),
    ).toBe('Failed');
    expect(
      jobOutcome({
        status: { conditions: [{ type: 'Complete', status: 'False' }] },
      }),
    ).toBeUndefined();
    expect(jobOutcome({})).toBeUndefined();
  });

  it('follows a TFJob through its status.conditions, with the log of its pods', async () => {
    const env = setup();
    env.cluster.groupVersions.add('kubeflow.org/v1');
    env.cluster.resources.add('kubeflow.org/v1/tfjobs');
    const { outputs: launched } = await runAction(
      createTrainingLaunchAction({
        kubernetes: env.kubernetes,
        catalog: env.catalog,
      }),
      { model: 'churn-classifier', image: 'trainer:1', kind: 'TFJob' },
    );
    const name = String(launched.jobName);
    const namespace = 'kaml-d-training';
    // what the training operator does: a worker pod, then Running, then Succeeded
    let reads = 0;
    env.cluster.onRead = c => {
      reads += 1;
      const [tfjob] = c.all<any>('TFJob');
      if (!tfjob || reads < 2) return;
      if (reads === 2) {
        c.put<V1Pod>({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `${name}-worker-0`,
            namespace,
            labels: { 'training.kubeflow.org/job-name': name },
          },
          spec: { containers: [{ name: 'tensorflow', image: 'trainer:1' }] },
          status: { phase: 'Running' },
        });
        c.logs.set(
          `${namespace}/${name}-worker-0`,
          '2026-01-01T00:00:01.000000000Z step 1\n',
        );
        tfjob.status = {
          startTime: '2026-01-01T00:00:00Z',
          conditions: [
            { type: 'Running', status: 'True', reason: 'TFJobRunning' },
          ],
        };
      } else if (reads === 4) {
        tfjob.status = {
          startTime: '2026-01-01T00:00:00Z',
          completionTime: '2026-01-01T00:01:30Z',
          conditions: [
            { type: 'Running', status: 'False' },
            { type: 'Succeeded', status: 'True', reason: 'TFJobSucceeded' },
          ],
        };
      }
    };
    const { outputs, lines } = await runAction(
      createTrainingWaitAction({ kubernetes: env.kubernetes }),
      {
        jobName: name,
        kind: 'TFJob',
        pollIntervalSeconds: 0.05,
      },
    );
    expect(outputs).toMatchObject({
      status: 'Succeeded',
      durationSeconds: 90,
    });
    expect(lines).toEqual(
      expect.arrayContaining([
        `TFJob ${name}: Running: TFJobRunning`,
        `[${name}-worker-0] step 1`,
        `Training TFJob ${namespace}/${name} succeeded`,
      ]),
    );
  });

  it('fails the step with the reason of a Failed PyTorchJob', async () => {
    const env = setup();
    env.cluster.put<KubernetesObject & { status: object }>({
      apiVersion: 'kubeflow.org/v1',
      kind: 'PyTorchJob',
      metadata: { name: 'train-x', namespace: 'kaml-d-training' },
      status: {
        conditions: [
          {
            type: 'Failed',
            status: 'True',
            reason: 'PyTorchJobFailed',
            message: 'master-0 exited with code 1',
          },
        ],
      },
    });
    await expect(
      runAction(createTrainingWaitAction({ kubernetes: env.kubernetes }), {
        jobName: 'train-x',
        kind: 'PyTorchJob',
        pollIntervalSeconds: 0.05,
      }),
    ).rejects.toThrow(
      'training PyTorchJob kaml-d-training/train-x failed: PyTorchJobFailed: master-0 exited with code 1',
    );
  });
});
