import { CatalogService } from '@backstage/plugin-catalog-node';
import { PermissionsService } from '@backstage/backend-plugin-api';
import { modelDeployPermission } from '@kaml-d/plugin-kaml-d-common';
import { authorizeOnModel } from './authorize';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { withDefaults } from './input';
import type {
  KubernetesObject,
  V1Deployment,
  V1Service,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import {
  assertLabelValue,
  assertQuantity,
  modelNameOf,
  taskLabelValue,
} from '../kubernetes/names';
import {
  apply,
  ensureAccess,
  KubeTarget,
  modelNamespaces,
  requireTarget,
  TASK_LABEL,
} from '../kubernetes/target';
import { AccessCheck } from '../kubernetes/types';
import { MODEL_LABEL } from './trainingLaunch';
import { examples } from './modelDeploy.examples';

/** The KServe API whose presence switches deploys to InferenceServices. */
export const KSERVE_GROUP_VERSION = 'serving.kserve.io/v1beta1';
const NAME_LABEL = 'app.kubernetes.io/name';
const TRACK_LABEL = 'kaml-d.io/track';

/**
 * Splits `replicas` between the stable and the canary Deployment so the canary's share of pods
 * (and so of requests, the Service balancing over both) is as close as possible to `percent`,
 * with at least one pod on each side.
 */
export function splitReplicas(
  replicas: number,
  percent: number,
): { stable: number; canary: number } {
  if (percent <= 0) return { stable: replicas, canary: 0 };
  if (replicas < 2) {
    throw new InputError(
      'a canary needs at least 2 replicas (one stable pod and one canary pod)',
    );
  }
  const canary = Math.min(
    replicas - 1,
    Math.max(1, Math.round((replicas * percent) / 100)),
  );
  return { stable: replicas - canary, canary };
}

/** Values of the inputs a template may leave out. */
const DEFAULTS = {
  replicas: 1,
  port: 8080,
  cpu: '500m',
  memory: '1Gi',
  gpus: 0,
  target: 'auto' as const,
  podAnnotations: {},
};

/**
 * `kaml-d:model:deploy` — serves a Model: a Deployment and a Service (and optionally an HPA and
 * a canary Deployment) in the models namespace, or a KServe InferenceService when KServe is
 * installed.
 * @public
 */
export function createModelDeployAction(options: {
  kubernetes: KubeTarget | undefined;
  /**
   * Checks the initiator's permission on the model before anything is created. The module
   * always passes it; only unit tests of the Kubernetes logic leave it out.
   */
  permissions?: PermissionsService;
  /**
   * Reads the model and its project (System) to deploy into the project's namespace
   * (`kaml-d.io/namespace`); without it every model uses the shared models namespace.
   */
  catalog?: CatalogService;
}) {
  return createTemplateAction({
    id: 'kaml-d:model:deploy',
    description:
      'Deploys a Model for serving: Deployment + Service (+ optional HPA and canary), or a KServe InferenceService when the cluster serves serving.kserve.io/v1beta1.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        model: z =>
          z.string({
            description:
              'The Model entity to serve (entity ref such as model:default/churn-classifier); its name names the Deployment and Service',
          }),
        image: z =>
          z
            .string({ description: 'Container image of the model server' })
            .min(1),
        version: z =>
          z
            .string({
              description:
                'Model version served, recorded in the kaml-d.io/model-version label',
            })
            .optional(),
        replicas: z =>
          z
            .number({
              description: 'Pods in total (stable plus canary) (default 1)',
            })
            .int()
            .min(1)
            .max(50)
            .optional(),
        port: z =>
          z
            .number({
              description: 'Port the model server listens on (default 8080)',
            })
            .int()
            .min(1)
            .max(65535)
            .optional(),
        canary: z =>
          z
            .object(
              {
                image: z.string({ description: 'Image of the canary' }).min(1),
                percent: z
                  .number({
                    description: 'Share of traffic for the canary, 1–50 %',
                  })
                  .int()
                  .min(1)
                  .max(50),
              },
              {
                description:
                  'A canary: with Deployments, a second Deployment <model>-canary behind the same Service with a share of the replicas proportional to percent; with KServe, canaryTrafficPercent',
              },
            )
            .optional(),
        cpu: z =>
          z
            .string({
              description: 'CPU request and limit per pod (default 500m)',
            })
            .optional(),
        memory: z =>
          z
            .string({
              description: 'Memory request and limit per pod (default 1Gi)',
            })
            .optional(),
        gpus: z =>
          z
            .number({ description: 'nvidia.com/gpu per pod (default 0)' })
            .int()
            .min(0)
            .max(16)
            .optional(),
        autoscale: z =>
          z
            .object(
              {
                minReplicas: z
                  .number({ description: 'Fewest pods' })
                  .int()
                  .min(1),
                maxReplicas: z
                  .number({ description: 'Most pods' })
                  .int()
                  .min(1)
                  .max(100),
                targetCPUUtilizationPercentage: z
                  .number({
                    description:
                      'Average CPU utilisation to hold, 70 % by default',
                  })
                  .int()
                  .min(1)
                  .max(100)
                  .optional(),
              },
              {
                description:
                  'A HorizontalPodAutoscaler (autoscaling/v2) on the stable Deployment; needs HPA create/update rights',
              },
            )
            .optional(),
        target: z =>
          z
            .enum(['auto', 'deployment', 'inferenceService'], {
              description:
                'auto: an InferenceService when KServe is installed, otherwise Deployments; or force one (default auto)',
            })
            .optional(),
        podAnnotations: z =>
          z
            .record(z.string(), {
              description: 'Annotations of the model pods (default {})',
            })
            .optional(),
      },
      output: {
        kind: z =>
          z.enum(['Deployment', 'InferenceService'], {
            description: 'What serves the model',
          }),
        namespace: z => z.string({ description: 'Namespace of the model' }),
        name: z =>
          z.string({
            description: 'Name of the Deployment (or InferenceService)',
          }),
        canaryName: z =>
          z
            .string({
              description: 'Name of the canary Deployment, when there is one',
            })
            .optional(),
        serviceName: z =>
          z
            .string({ description: 'Name of the Service, for Deployments' })
            .optional(),
        endpoint: z => z.string({ description: 'In-cluster URL of the model' }),
      },
    },
    async handler(ctx) {
      const input = withDefaults(ctx.input, DEFAULTS);
      const target = requireTarget(options.kubernetes);
      const { client } = target;
      const name = modelNameOf(input.model);
      const credentials = await ctx.getInitiatorCredentials();
      if (options.permissions) {
        await authorizeOnModel(
          options.permissions,
          modelDeployPermission,
          input.model,
          credentials,
        );
      }
      // the model's project namespace, or the shared models namespace
      const { models: namespace } = await modelNamespaces(
        target,
        options.catalog,
        input.model,
        credentials,
      );
      const version = input.version
        ? assertLabelValue(input.version, 'version')
        : undefined;
      assertQuantity(input.cpu, 'cpu');
      assertQuantity(input.memory, 'memory');
      for (const image of [input.image, input.canary?.image]) {
        if (image !== undefined && (!image.trim() || /\s/.test(image))) {
          throw new InputError(`image "${image}" is not an image reference`);
        }
      }
      if (
        input.autoscale &&
        input.autoscale.minReplicas > input.autoscale.maxReplicas
      ) {
        throw new InputError(
          'autoscale.minReplicas is larger than maxReplicas',
        );
      }
      const split = splitReplicas(input.replicas, input.canary?.percent ?? 0);

      // KServe only when its CRD is served (API discovery, cached by the client)
      const kserveInstalled =
        input.target !== 'deployment' &&
        (await client.servesResource(
          KSERVE_GROUP_VERSION,
          'inferenceservices',
        ));
      if (input.target === 'inferenceService' && !kserveInstalled) {
        throw new InputError(
          'target inferenceService needs KServe, but the cluster does not serve inferenceservices.serving.kserve.io (CRD not installed): install KServe or use target auto or deployment',
        );
      }
      const kserve = kserveInstalled;
      const checks: AccessCheck[] = kserve
        ? [
            {
              verb: 'create',
              group: 'serving.kserve.io',
              resource: 'inferenceservices',
              namespace,
            },
            {
              verb: 'update',
              group: 'serving.kserve.io',
              resource: 'inferenceservices',
              namespace,
            },
          ]
        : [
            {
              verb: 'create',
              group: 'apps',
              resource: 'deployments',
              namespace,
            },
            {
              verb: 'update',
              group: 'apps',
              resource: 'deployments',
              namespace,
            },
            { verb: 'create', group: '', resource: 'services', namespace },
            { verb: 'update', group: '', resource: 'services', namespace },
            ...(input.autoscale
              ? [
                  {
                    verb: 'create',
                    group: 'autoscaling',
                    resource: 'horizontalpodautoscalers',
                    namespace,
                  },
                  {
                    verb: 'update',
                    group: 'autoscaling',
                    resource: 'horizontalpodautoscalers',
                    namespace,
                  },
                ]
              : []),
          ];
      await ensureAccess(client, checks);

      const labels = {
        'app.kubernetes.io/part-of': 'kaml-d',
        'app.kubernetes.io/component': 'model-server',
        [NAME_LABEL]: name,
        [MODEL_LABEL]: name,
        [TASK_LABEL]: taskLabelValue(ctx.task.id),
        ...(version ? { 'kaml-d.io/model-version': version } : {}),
      };
      const resources: Record<string, string> = {
        cpu: input.cpu,
        memory: input.memory,
        ...(input.gpus > 0 ? { 'nvidia.com/gpu': String(input.gpus) } : {}),
      };
      const container = (image: string) => ({
        name: 'model',
        image,
        ports: [{ name: 'http', containerPort: input.port }],
        resources: { requests: resources, limits: resources },
      });
      const endpointOf = (host: string) =>
        `http://${host}.${namespace}.svc.cluster.local`;

      ctx.output('namespace', namespace);
      ctx.output('name', name);

      if (kserve) {
        const isvc: KubernetesObject & { spec: Record<string, unknown> } = {
          apiVersion: KSERVE_GROUP_VERSION,
          kind: 'InferenceService',
          metadata: { name, namespace, labels },
          spec: {
            predictor: {
              minReplicas: input.replicas,
              annotations: input.podAnnotations,
              containers: [container(input.canary?.image ?? input.image)],
              ...(input.canary
                ? { canaryTrafficPercent: input.canary.percent }
                : {}),
            },
          },
        };
        ctx.output('kind', 'InferenceService');
        ctx.output('endpoint', endpointOf(`${name}-predictor`));
        if (ctx.isDryRun) {
          ctx.logger.info(
            `Dry run: would apply InferenceService ${namespace}/${name}`,
          );
          return;
        }
        await ctx.checkpoint({
          key: `kaml-d.model.deploy.${namespace}.${name}.inferenceservice`,
          fn: async () => {
            await apply(client, isvc);
          },
        });
        ctx.logger.info(`InferenceService ${namespace}/${name} applied`);
        return;
      }

      const deployment = (
        deploymentName: string,
        track: 'stable' | 'canary',
        replicas: number,
        image: string,
      ): V1Deployment => {
        const selector = { [NAME_LABEL]: name, [TRACK_LABEL]: track };
        return {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: {
            name: deploymentName,
            namespace,
            labels: { ...labels, [TRACK_LABEL]: track },
          },
          spec: {
            replicas,
            selector: { matchLabels: selector },
            template: {
              metadata: {
                labels: { ...labels, [TRACK_LABEL]: track },
                annotations: input.podAnnotations,
              },
              spec: {
                automountServiceAccountToken: false,
                containers: [container(image)],
              },
            },
          },
        };
      };
      const stable = deployment(name, 'stable', split.stable, input.image);
      const canaryName = `${name}-canary`.slice(0, 63);
      const canary = input.canary
        ? deployment(canaryName, 'canary', split.canary, input.canary.image)
        : undefined;
      const service: V1Service = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace, labels },
        spec: {
          selector: { [NAME_LABEL]: name },
          ports: [{ name: 'http', port: 80, targetPort: input.port }],
        },
      };
      const hpa: V2HorizontalPodAutoscaler | undefined = input.autoscale && {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name, namespace, labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          minReplicas: input.autoscale.minReplicas,
          maxReplicas: input.autoscale.maxReplicas,
          metrics: [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                target: {
                  type: 'Utilization',
                  averageUtilization:
                    input.autoscale.targetCPUUtilizationPercentage ?? 70,
                },
              },
            },
          ],
        },
      };

      ctx.output('kind', 'Deployment');
      ctx.output('serviceName', name);
      ctx.output('endpoint', endpointOf(name));
      if (canary) ctx.output('canaryName', canaryName);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would apply Deployment ${namespace}/${name} (${split.stable} replicas)` +
            `${
              canary ? `, canary ${canaryName} (${split.canary})` : ''
            }, Service ${name}${hpa ? ', HPA' : ''}`,
        );
        return;
      }

      await ctx.checkpoint({
        key: `kaml-d.model.deploy.${namespace}.${name}.deployment`,
        fn: async () => {
          await apply(client, stable, (live, desired) =>
            // an HPA owns the replica count once it exists
            hpa && desired.spec
              ? {
                  ...desired,
                  spec: { ...desired.spec, replicas: live.spec?.replicas },
                }
              : desired,
          );
        },
      });
      if (canary) {
        await ctx.checkpoint({
          key: `kaml-d.model.deploy.${namespace}.${canaryName}.canary`,
          fn: async () => {
            await apply(client, canary);
          },
        });
      } else {
        // a canary of an earlier deploy would keep taking a share of the traffic: scale it to 0
        await ctx.checkpoint({
          key: `kaml-d.model.deploy.${namespace}.${canaryName}.retire`,
          fn: async () => {
            const former = await client.read<V1Deployment>({
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              namespace,
              name: canaryName,
            });
            if (
              former?.spec &&
              former.spec.replicas !== 0 &&
              former.metadata?.labels?.[MODEL_LABEL] === name
            ) {
              await client.replace({
                ...former,
                spec: { ...former.spec, replicas: 0 },
              });
              ctx.logger.info(
                `Former canary ${namespace}/${canaryName} scaled to 0`,
              );
            }
          },
        });
      }
      await ctx.checkpoint({
        key: `kaml-d.model.deploy.${namespace}.${name}.service`,
        fn: async () => {
          await apply(client, service, (live, desired) => ({
            ...desired,
            spec: {
              ...desired.spec,
              clusterIP: live.spec?.clusterIP,
              clusterIPs: live.spec?.clusterIPs,
            },
          }));
        },
      });
      if (hpa) {
        await ctx.checkpoint({
          key: `kaml-d.model.deploy.${namespace}.${name}.hpa`,
          fn: async () => {
            await apply(client, hpa);
          },
        });
      }
      ctx.logger.info(
        `Model ${name} deployed in ${namespace}: ${split.stable} stable${
          canary ? ` + ${split.canary} canary` : ''
        } replica(s) behind Service ${name}`,
      );
    },
  });
}
