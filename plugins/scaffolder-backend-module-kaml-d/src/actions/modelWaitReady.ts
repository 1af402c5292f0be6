import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { withDefaults } from './input';
import type {
  KubernetesObject,
  V1Deployment,
  V1Pod,
} from '@kubernetes/client-node';
import { labelSelector, modelNameOf } from '../kubernetes/names';
import {
  ensureAccess,
  KubeTarget,
  requireTarget,
  sleep,
} from '../kubernetes/target';
import { KSERVE_GROUP_VERSION } from './modelDeploy';
import { interpretServingConditions } from '@kaml-d/plugin-kaml-d-common';
import { examples } from './modelWaitReady.examples';

/** Why a Deployment is not ready yet, or undefined when every desired replica is ready. */
export function notReadyReason(d: V1Deployment): string | undefined {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  if ((s.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
    return 'the controller has not seen the latest spec yet';
  }
  if ((s.updatedReplicas ?? 0) < want)
    return `${s.updatedReplicas ?? 0}/${want} updated`;
  if ((s.readyReplicas ?? 0) < want)
    return `${s.readyReplicas ?? 0}/${want} ready`;
  if ((s.availableReplicas ?? 0) < want)
    return `${s.availableReplicas ?? 0}/${want} available`;
  if ((s.replicas ?? 0) > want)
    return `${s.replicas} pods while ${want} are desired (old pods still terminating)`;
  return undefined;
}

type Conditioned = KubernetesObject & {
  status?: {
    conditions?: Array<{
      type?: string;
      status?: string;
      reason?: string;
      message?: string;
    }>;
  };
};

/** Values of the inputs a template may leave out. */
const DEFAULTS = {
  kind: 'Deployment' as const,
  timeoutSeconds: 600,
  pollIntervalSeconds: 3,
};

/**
 * `kaml-d:model:wait-ready` — waits until every Deployment of a Model (stable and canary) has
 * all desired replicas ready, or its InferenceService is Ready; a timeout fails the step.
 * @public
 */
export function createModelWaitReadyAction(options: {
  kubernetes: KubeTarget | undefined;
}) {
  return createTemplateAction({
    id: 'kaml-d:model:wait-ready',
    description:
      "Waits until a Model's Deployments have readyReplicas equal to replicas (or its InferenceService is Ready); fails the step on timeout, naming unhealthy pods.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        model: z =>
          z.string({
            description:
              'The Model entity (entity ref or name) deployed by kaml-d:model:deploy',
          }),
        kind: z =>
          z
            .enum(['Deployment', 'InferenceService'], {
              description:
                'The kind output of kaml-d:model:deploy (default Deployment)',
            })
            .optional(),
        namespace: z =>
          z
            .string({
              description:
                'Namespace; the configured models namespace by default',
            })
            .optional(),
        timeoutSeconds: z =>
          z
            .number({
              description:
                'How long to wait before failing the step (default 600)',
            })
            .positive()
            .max(24 * 3600)
            .optional(),
        pollIntervalSeconds: z =>
          z
            .number({ description: 'Seconds between two looks (default 3)' })
            .min(0.05)
            .max(300)
            .optional(),
      },
      output: {
        readyReplicas: z =>
          z
            .number({
              description: 'Ready pods over all Deployments of the model',
            })
            .optional(),
      },
    },
    async handler(ctx) {
      const input = withDefaults(ctx.input, DEFAULTS);
      const target = requireTarget(options.kubernetes);
      const { client } = target;
      const name = modelNameOf(input.model);
      const namespace = input.namespace ?? target.modelsNamespace;
      const kserve = input.kind === 'InferenceService';
      await ensureAccess(client, [
        kserve
          ? {
              verb: 'get',
              group: 'serving.kserve.io',
              resource: 'inferenceservices',
              namespace,
            }
          : { verb: 'list', group: 'apps', resource: 'deployments', namespace },
        { verb: 'list', group: '', resource: 'pods', namespace },
      ]);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would wait for model ${name} in ${namespace}`,
        );
        return;
      }
      const selector = labelSelector({ 'app.kubernetes.io/name': name });
      const deadline = Date.now() + input.timeoutSeconds * 1000;
      let lastReport = '';
      for (;;) {
        let waitingFor: string | undefined;
        if (kserve) {
          const isvc = await client.read<Conditioned>({
            apiVersion: KSERVE_GROUP_VERSION,
            kind: 'InferenceService',
            namespace,
            name,
          });
          if (!isvc)
            throw new InputError(
              `InferenceService ${namespace}/${name} does not exist`,
            );
          const { status, message } = interpretServingConditions(
            isvc.status?.conditions,
          );
          waitingFor =
            status === 'Ready'
              ? undefined
              : `InferenceService ${name} is ${status}: ${message}`;
        } else {
          const deployments = await client.list<V1Deployment>(
            'apps/v1',
            'Deployment',
            namespace,
            selector,
          );
          if (!deployments.length) {
            throw new InputError(
              `no Deployment labelled app.kubernetes.io/name=${name} in ${namespace}: deploy the model first`,
            );
          }
          const pending = deployments
            .map(d => [d.metadata?.name, notReadyReason(d)] as const)
            .filter(([, why]) => why);
          waitingFor = pending.length
            ? pending.map(([n, why]) => `${n}: ${why}`).join('; ')
            : undefined;
          if (!waitingFor) {
            ctx.output(
              'readyReplicas',
              deployments.reduce(
                (n, d) => n + (d.status?.readyReplicas ?? 0),
                0,
              ),
            );
          }
        }
        if (!waitingFor) {
          ctx.logger.info(`Model ${name} is ready in ${namespace}`);
          return;
        }
        if (waitingFor !== lastReport) {
          ctx.logger.info(`Waiting for model ${name}: ${waitingFor}`);
          lastReport = waitingFor;
        }
        if (Date.now() >= deadline) {
          const pods = await client.list<V1Pod>(
            'v1',
            'Pod',
            namespace,
            selector,
          );
          const unhealthy = pods.flatMap(p =>
            (p.status?.containerStatuses ?? [])
              .filter(c => !c.ready)
              .map(
                c =>
                  `${p.metadata?.name} (${
                    c.state?.waiting?.reason ?? p.status?.phase ?? 'not ready'
                  }, ${c.restartCount} restarts)`,
              ),
          );
          const unhealthyNote = unhealthy.length
            ? `; unhealthy pods: ${unhealthy.join(', ')}`
            : '';
          throw new Error(
            `model ${name} is not ready after ${input.timeoutSeconds}s: ${waitingFor}${unhealthyNote}`,
          );
        }
        await sleep(input.pollIntervalSeconds * 1000, ctx.signal);
      }
    },
  });
}
