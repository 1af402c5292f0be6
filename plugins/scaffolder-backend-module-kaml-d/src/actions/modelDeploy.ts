import { PermissionsService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { KubeTarget } from '../kubernetes/target';
import { examples } from './modelDeploy.examples';
import { deployModel } from './modelDeployHandler';

export { KSERVE_GROUP_VERSION, splitReplicas } from './modelDeployManifests';

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
      await deployModel(ctx, options);
    },
  });
}
