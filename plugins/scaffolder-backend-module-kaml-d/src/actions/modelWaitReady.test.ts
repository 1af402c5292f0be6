import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { runAction } from '../__testUtils__/actionContext';
import { setup } from '../__testUtils__/setup';
import { createModelDeployAction } from './modelDeploy';
import { createModelWaitReadyAction, notReadyReason } from './modelWaitReady';

describe('kaml-d:model:wait-ready', () => {
  it('waits until every Deployment of the model (stable and canary) is ready', async () => {
    const { kubernetes } = setup({ delayReads: 3 });
    await runAction(createModelDeployAction({ kubernetes }), {
      model: 'churn-classifier',
      image: 'server:1',
      replicas: 4,
      canary: { image: 'server:2', percent: 50 },
    });
    const { outputs, lines } = await runAction(
      createModelWaitReadyAction({ kubernetes }),
      {
        model: 'churn-classifier',
        pollIntervalSeconds: 0.05,
      },
    );
    expect(outputs).toEqual({ readyReplicas: 4 });
    expect(lines).toContain('Model churn-classifier is ready in kaml-d-models');
  });

  it('fails at the timeout naming what is not ready and the unhealthy pods', async () => {
    const { cluster, kubernetes } = setup({ delayReads: 1_000_000 });
    await runAction(createModelDeployAction({ kubernetes }), {
      model: 'churn-classifier',
      image: 'server:1',
    });
    const pod: V1Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'churn-classifier-1',
        namespace: 'kaml-d-models',
        labels: { 'app.kubernetes.io/name': 'churn-classifier' },
      },
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'model',
            image: 'server:1',
            imageID: '',
            ready: false,
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
          },
        ],
      },
    };
    cluster.put(pod);
    await expect(
      runAction(createModelWaitReadyAction({ kubernetes }), {
        model: 'churn-classifier',
        timeoutSeconds: 0.1,
        pollIntervalSeconds: 0.05,
      }),
    ).rejects.toThrow(
      'model churn-classifier is not ready after 0.1s: churn-classifier: the controller has not seen the latest spec yet; unhealthy pods: churn-classifier-1 (CrashLoopBackOff, 4 restarts)',
    );
  });

  it('fails when the model has no Deployment', async () => {
    const { kubernetes } = setup();
    await expect(
      runAction(createModelWaitReadyAction({ kubernetes }), {
        model: 'absent',
      }),
    ).rejects.toThrow(
      'no Deployment labelled app.kubernetes.io/name=absent in kaml-d-models',
    );
  });

  it('explains why a Deployment is not ready', () => {
    const d = (
      status: V1Deployment['status'],
      generation = 1,
    ): V1Deployment => ({
      metadata: { generation },
      spec: { replicas: 2, selector: {}, template: {} },
      status,
    });
    expect(notReadyReason(d({ observedGeneration: 1 }, 2))).toBe(
      'the controller has not seen the latest spec yet',
    );
    expect(
      notReadyReason(
        d({ observedGeneration: 1, updatedReplicas: 2, readyReplicas: 1 }),
      ),
    ).toBe('1/2 ready');
    expect(
      notReadyReason(
        d({
          observedGeneration: 1,
          updatedReplicas: 2,
          readyReplicas: 2,
          availableReplicas: 2,
          replicas: 2,
        }),
      ),
    ).toBeUndefined();
  });
});
