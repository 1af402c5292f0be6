import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { RegisterModelVersionRequest } from '@kaml-d/plugin-kaml-d-common';
import { kamlDBackendClient, orFail } from './kamlDBackend';
import { examples } from './modelRegisterVersion.examples';

/**
 * `kaml-d:model:register-version` — registers a model version (the outcome of a training run)
 * through the KAML-D backend, on behalf of the user who started the task.
 */
export function createModelRegisterVersionAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}) {
  const { discovery, auth } = options;
  return createTemplateAction({
    id: 'kaml-d:model:register-version',
    description:
      'Registers the next version of a KAML-D Model with its artifact, metrics and the dataset snapshots it was trained on',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        model: z =>
          z.string({
            description:
              'The Model entity, such as model:default/fraud-detector or fraud-detector',
          }),
        artifactUri: z =>
          z.string({
            description:
              'Where the trained artifact lives: s3://bucket/key, file:///path, http(s):// URL or a relative path',
          }),
        description: z =>
          z.string({ description: 'What changed in this version' }).optional(),
        metrics: z =>
          z
            .record(z.number(), {
              description: 'Evaluation metrics, such as { "auc": 0.93 }',
            })
            .optional(),
        parameters: z =>
          z
            .record(z.union([z.string(), z.number(), z.boolean()]), {
              description:
                'Training parameters (hyper-parameters): strings, numbers or booleans',
            })
            .optional(),
        trainedOn: z =>
          z
            .array(
              z.object({
                datasetRef: z.string({
                  description:
                    'Dataset entity ref, such as dataset:default/transactions',
                }),
                snapshotId: z.string({
                  description: 'Id of a complete snapshot of that dataset',
                }),
              }),
              { description: 'Dataset snapshots the version was trained on' },
            )
            .optional(),
        runNamespace: z =>
          z.string({ description: 'Namespace of the training Job' }).optional(),
        runName: z =>
          z.string({ description: 'Name of the training Job' }).optional(),
      },
      output: {
        version: z =>
          z.number({ description: 'The version number the server assigned' }),
        entityRef: z => z.string({ description: 'The Model entity ref' }),
        versionUrl: z =>
          z.string({ description: "Link to the model's Versions tab" }),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      let ref;
      try {
        ref = parseEntityRef(input.model, {
          defaultKind: 'model',
          defaultNamespace: 'default',
        });
      } catch (e) {
        throw new InputError(`model: ${(e as Error).message}`);
      }
      if (ref.kind.toLocaleLowerCase('en-US') !== 'model') {
        throw new InputError(`model: ${input.model} is not a Model entity`);
      }
      const entityRef = `model:${ref.namespace}/${ref.name}`;
      const versionUrl = `/catalog/${encodeURIComponent(
        ref.namespace,
      )}/model/${encodeURIComponent(ref.name)}/versions`;
      const body: RegisterModelVersionRequest = {
        artifactUri: input.artifactUri,
        ...(input.description ? { description: input.description } : {}),
        ...(input.metrics ? { metrics: input.metrics } : {}),
        ...(input.parameters ? { parameters: input.parameters } : {}),
        ...(input.trainedOn ? { trainedOn: input.trainedOn } : {}),
        ...(input.runNamespace && input.runName
          ? {
              run: {
                namespace: input.runNamespace,
                name: input.runName,
                ...(ctx.task?.id ? { taskId: ctx.task.id } : {}),
              },
            }
          : {}),
      };
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would register a new version of ${entityRef}`,
        );
        ctx.output('version', 0);
        ctx.output('entityRef', entityRef);
        ctx.output('versionUrl', versionUrl);
        return;
      }

      // the checkpoint makes a retried task reuse the version registered the first time
      const version = await ctx.checkpoint({
        key: `kaml-d.model.register-version.${entityRef}.${ctx.step?.id ?? ''}`,
        fn: async () => {
          const client = kamlDBackendClient({
            discovery,
            auth,
            onBehalfOf: await ctx.getInitiatorCredentials(),
          });
          const created = await orFail(
            `Registering a version of ${entityRef} failed`,
            () => client.registerModelVersion(ref, body),
          );
          return created.version;
        },
      });
      ctx.logger.info(`Registered ${entityRef} version ${version}`);
      ctx.output('version', version);
      ctx.output('entityRef', entityRef);
      ctx.output('versionUrl', versionUrl);
    },
  });
}
