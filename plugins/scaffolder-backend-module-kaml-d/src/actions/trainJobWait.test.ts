import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { runAction } from '../__testUtils__/actionContext';
import { setup } from '../__testUtils__/setup';
import { createTrainingWaitAction } from './trainingWait';

type TrainJob = KubernetesObject & { status?: Record<string, any> };
const namespace = 'kaml-d-training';

/** A TrainJob as the launch step leaves it, before the Trainer controller reported anything. */
function withTrainJob(name: string) {
  const env = setup();
  env.cluster.put<TrainJob>({
    apiVersion: 'trainer.kubeflow.org/v1alpha1',
    kind: 'TrainJob',
    metadata: {
      name,
      namespace,
      creationTimestamp: new Date('2026-01-01T00:00:00Z'),
    },
  });
  return env;
}

const wait = (env: ReturnType<typeof setup>, name: string, extra = {}) =>
  runAction(createTrainingWaitAction({ kubernetes: env.kubernetes }), {
    jobName: name,
    kind: 'TrainJob',
    pollIntervalSeconds: 0.05,
    ...extra,
  });

describe('kaml-d:training:wait kind TrainJob', () => {
  it('follows the child Jobs to Complete, with the log of the pods of its JobSet', async () => {
    const name = 'train-churn-abc';
    const env = withTrainJob(name);
    // what the Trainer and JobSet controllers do: a node pod, an active child Job, then Complete
    let reads = 0;
    env.cluster.onRead = c => {
      reads += 1;
      const [job] = c.all<TrainJob>('TrainJob');
      if (reads === 3) {
        c.put<V1Pod>({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `${name}-node-0-0-abcde`,
            namespace,
            labels: { 'jobset.sigs.k8s.io/jobset-name': name },
          },
          spec: { containers: [{ name: 'node', image: 'trainer:1' }] },
          status: { phase: 'Running' },
        });
        c.logs.set(
          `${namespace}/${name}-node-0-0-abcde`,
          '2026-01-01T00:00:01.000000000Z epoch 1\n',
        );
        job.status = {
          jobsStatus: [
            {
              name: 'node',
              active: 1,
              ready: 1,
              succeeded: 0,
              failed: 0,
              suspended: 0,
            },
          ],
        };
      } else if (reads === 6) {
        job.status = {
          conditions: [
            {
              type: 'Complete',
              status: 'True',
              reason: 'AllJobsCompleted',
              message: 'jobset completed successfully',
              lastTransitionTime: '2026-01-01T00:02:00Z',
            },
          ],
          jobsStatus: [
            {
              name: 'node',
              active: 0,
              ready: 0,
              succeeded: 1,
              failed: 0,
              suspended: 0,
            },
          ],
        };
      }
    };
    const { outputs, lines } = await wait(env, name);
    expect(outputs).toEqual({
      status: 'Succeeded',
      startTime: '2026-01-01T00:00:00.000Z',
      completionTime: '2026-01-01T00:02:00.000Z',
      durationSeconds: 120,
    });
    expect(lines).toEqual(
      expect.arrayContaining([
        `TrainJob ${name}: Pending: no status reported yet: is the Kubeflow Trainer controller running?`,
        `TrainJob ${name}: Running: node: 1 active, 1 ready`,
        `[${name}-node-0-0-abcde] epoch 1`,
        `TrainJob ${name}: Succeeded: AllJobsCompleted: jobset completed successfully`,
        `Training TrainJob ${namespace}/${name} succeeded`,
      ]),
    );
  });

  it('fails the step with the reason of a Failed TrainJob', async () => {
    const name = 'train-bad-abc';
    const env = withTrainJob(name);
    env.cluster.onRead = c => {
      c.all<TrainJob>('TrainJob')[0].status = {
        conditions: [
          {
            type: 'Failed',
            status: 'True',
            reason: 'FailedJobs',
            message: 'jobset failed: node-0 exited with code 1',
          },
        ],
      };
    };
    await expect(wait(env, name)).rejects.toThrow(
      `training TrainJob ${namespace}/${name} failed: FailedJobs: jobset failed: node-0 exited with code 1`,
    );
  });

  it('keeps waiting while suspended and times out saying so', async () => {
    const name = 'train-held-abc';
    const env = withTrainJob(name);
    env.cluster.onRead = c => {
      c.all<TrainJob>('TrainJob')[0].status = {
        conditions: [
          {
            type: 'Suspended',
            status: 'True',
            reason: 'Suspended',
            message: 'TrainJob is suspended',
          },
        ],
      };
    };
    await expect(wait(env, name, { timeoutSeconds: 0.2 })).rejects.toThrow(
      `training TrainJob ${namespace}/${name} did not finish within 0.2s (Pending: suspended: Suspended: TrainJob is suspended; it keeps running`,
    );
  });

  it('checks access to trainjobs.trainer.kubeflow.org first', async () => {
    const env = withTrainJob('train-x');
    env.cluster.denied = c => c.resource === 'trainjobs';
    await expect(wait(env, 'train-x')).rejects.toThrow(
      'may not get trainjobs.trainer.kubeflow.org in kaml-d-training',
    );
  });
});
