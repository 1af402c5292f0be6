import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { kamlDBackendClient, orFail } from './kamlDBackend';
import { examples } from './datasetSnapshot.examples';

/**
 * `kaml-d:dataset:snapshot` — takes a snapshot of a Dataset through the KAML-D backend, on
 * behalf of the user who started the task.
 */
export function createDatasetSnapshotAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}) {
  const { discovery, auth } = options;
  return createTemplateAction({
    id: 'kaml-d:dataset:snapshot',
    description:
      'Takes an immutable snapshot of a KAML-D Dataset, such as before training on it',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        dataset: z =>
          z.string({
            description:
              'The Dataset entity, such as dataset:default/transactions or transactions',
          }),
        message: z =>
          z.string({
            description: 'Why the snapshot is taken; shown in the timeline',
          }),
      },
      output: {
        snapshotId: z =>
          z.string({ description: 'Id of the snapshot that was taken' }),
        entityRef: z => z.string({ description: 'The Dataset entity ref' }),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      let ref;
      try {
        ref = parseEntityRef(input.dataset, {
          defaultKind: 'dataset',
          defaultNamespace: 'default',
        });
      } catch (e) {
        throw new InputError(`dataset: ${(e as Error).message}`);
      }
      if (ref.kind.toLocaleLowerCase('en-US') !== 'dataset') {
        throw new InputError(
          `dataset: ${input.dataset} is not a Dataset entity`,
        );
      }
      if (!input.message.trim()) {
        throw new InputError('message: say why the snapshot is taken');
      }
      const entityRef = `dataset:${ref.namespace}/${ref.name}`;
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would snapshot ${entityRef}`);
        ctx.output('snapshotId', 'dry-run');
        ctx.output('entityRef', entityRef);
        return;
      }

      // the checkpoint makes a retried task reuse the snapshot taken the first time
      const snapshotId = await ctx.checkpoint({
        key: `kaml-d.dataset.snapshot.${entityRef}.${ctx.step?.id ?? ''}`,
        fn: async () => {
          const client = kamlDBackendClient({
            discovery,
            auth,
            onBehalfOf: await ctx.getInitiatorCredentials(),
          });
          const created = await orFail(`Snapshot of ${entityRef} failed`, () =>
            client.createDatasetSnapshot(ref, input.message),
          );
          return created.id;
        },
      });
      ctx.logger.info(`Snapshot ${snapshotId} of ${entityRef} taken`);
      ctx.output('snapshotId', snapshotId);
      ctx.output('entityRef', entityRef);
    },
  });
}
