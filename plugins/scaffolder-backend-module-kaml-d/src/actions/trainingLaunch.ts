import { PermissionsService } from '@backstage/backend-plugin-api';
import { modelTrainPermission } from '@kaml-d/plugin-kaml-d-common';
import { authorizeOnModel } from './authorize';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { withDefaults } from './input';
import type { V1Node } from '@kubernetes/client-node';
import {
  assertDnsLabel,
  assertQuantity,
  deterministicName,
  modelNameOf,
  taskLabelValue,
} from '../kubernetes/names';
import {
  createOnce,
  ensureAccess,
  KubeTarget,
  modelNamespaces,
  requireTarget,
} from '../kubernetes/target';
import { examples } from './trainingLaunch.examples';
import { trainingDatasetLocations } from './trainingDatasets';
import { buildTrainingRun } from './trainingRun';
import { resolveTrainingKind, runResource } from './trainingKind';
import { checkTrainingRuntime, TRAINJOB_NAME_MAX } from './trainJob';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export { MODEL_LABEL } from './workloadManifest';

function envName(name: string): string {
  if (!ENV_NAME.test(name)) {
    throw new InputError(`"${name}" is not a valid environment variable name`);
  }
  return name;
}

/** The most `nvidia.com/gpu` any one node can allocate. */
function maxGpusPerNode(nodes: V1Node[]): number {
  return nodes.reduce((max, node) => {
    const gpus = Number(node.status?.allocatable?.['nvidia.com/gpu'] ?? 0);
    return Number.isFinite(gpus) && gpus > max ? gpus : max;
  }, 0);
}

/** Values of the inputs a template may leave out. */
const DEFAULTS = {
  datasets: [],
  args: [],
  gpus: 0,
  cpu: '1',
  memory: '2Gi',
  env: {},
  backoffLimit: 0,
  podAnnotations: {},
  kind: 'Job' as const,
  workers: 1,
  fallbackToJob: false,
  runtimeKind: 'ClusterTrainingRuntime' as const,
};

/**
 * `kaml-d:training:launch` — a batch/v1 Job in the training namespace that trains a Model on
 * catalog Datasets.
 * @public
 */
export function createTrainingLaunchAction(options: {
  kubernetes: KubeTarget | undefined;
  /**
   * Checks the initiator's permission on the model before anything is created. The module
   * always passes it; only unit tests of the Kubernetes logic leave it out.
   */
  permissions?: PermissionsService;
  catalog: CatalogService;
}) {
  return createTemplateAction({
    id: 'kaml-d:training:launch',
    description:
      'Launches a training Job for a Model on Kubernetes: image, command, resources (CPU, memory, nvidia.com/gpu), dataset locations and storage credentials through Secret references.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        model: z =>
          z.string({
            description:
              'The Model entity being trained (entity ref such as model:default/churn-classifier); its name labels the Job',
          }),
        datasets: z =>
          z
            .array(z.string(), {
              description:
                'Dataset entity refs to train on; their spec.location is passed as KAML_DATASET_LOCATION (the first) and KAML_DATASET_LOCATIONS (all, comma-separated) (default [])',
            })
            .optional(),
        image: z =>
          z.string({ description: 'Container image of the trainer' }).min(1),
        command: z =>
          z
            .array(z.string(), {
              description: "Entrypoint; the image's own when omitted",
            })
            .optional(),
        args: z =>
          z
            .array(z.string(), {
              description: 'Arguments to the entrypoint (default [])',
            })
            .optional(),
        gpus: z =>
          z
            .number({
              description:
                'nvidia.com/gpu to request (and limit); must fit on one node of the cluster (default 0)',
            })
            .int()
            .min(0)
            .max(16)
            .optional(),
        cpu: z =>
          z
            .string({
              description:
                'CPU request and limit, such as 2 or 500m (default 1)',
            })
            .optional(),
        memory: z =>
          z
            .string({
              description:
                'Memory request and limit, such as 4Gi (default 2Gi)',
            })
            .optional(),
        env: z =>
          z
            .record(z.string(), {
              description:
                'Plain environment variables (never secrets: use credentialsSecret) (default {})',
            })
            .optional(),
        credentialsSecret: z =>
          z
            .string({
              description:
                'Name of a Secret in the training namespace holding storage credentials; injected through secretKeyRef, never copied',
            })
            .optional(),
        credentialsKeys: z =>
          z
            .record(z.string(), {
              description:
                'Environment variable → key in credentialsSecret. Default: AWS_ACCESS_KEY_ID → accessKeyId, AWS_SECRET_ACCESS_KEY → secretAccessKey',
            })
            .optional(),
        backoffLimit: z =>
          z
            .number({
              description:
                'Retries of a failed pod before the Job fails (default 0)',
            })
            .int()
            .min(0)
            .max(10)
            .optional(),
        activeDeadlineSeconds: z =>
          z
            .number({
              description: 'Upper bound of the Job run time in seconds',
            })
            .int()
            .positive()
            .optional(),
        podAnnotations: z =>
          z
            .record(z.string(), {
              description: 'Annotations of the training pod (default {})',
            })
            .optional(),
        kind: z =>
          z
            .enum(['Job', 'TFJob', 'PyTorchJob', 'TrainJob'], {
              description:
                'What runs the training: a batch/v1 Job, a Kubeflow training-operator TFJob or PyTorchJob (kubeflow.org/v1), or a Kubeflow Trainer v2 TrainJob (trainer.kubeflow.org/v1alpha1) on a training runtime; the step fails when that CRD is not installed, unless fallbackToJob (default Job)',
            })
            .optional(),
        runtime: z =>
          z
            .string({
              description:
                'kind TrainJob: the training runtime it runs on, such as torch-distributed; must exist in the cluster (the step fails naming the available ones)',
            })
            .optional(),
        runtimeKind: z =>
          z
            .enum(['ClusterTrainingRuntime', 'TrainingRuntime'], {
              description:
                'kind TrainJob: whether runtime is a cluster-wide ClusterTrainingRuntime or a TrainingRuntime in the training namespace (default ClusterTrainingRuntime)',
            })
            .optional(),
        workers: z =>
          z
            .number({
              description:
                'Replicas of a TFJob (Worker) or PyTorchJob (one Master plus workers - 1 Workers), or nodes of a TrainJob (numNodes), each with the requested resources; 1 for a Job (default 1)',
            })
            .int()
            .min(1)
            .max(64)
            .optional(),
        fallbackToJob: z =>
          z
            .boolean({
              description:
                'When kind is TFJob, PyTorchJob or TrainJob and its CRD is not installed, run a single-pod Job instead of failing (default false)',
            })
            .optional(),
      },
      output: {
        kind: z =>
          z.enum(['Job', 'TFJob', 'PyTorchJob', 'TrainJob'], {
            description: 'The kind created (Job after a fallback)',
          }),
        jobName: z =>
          z.string({
            description:
              'Name of the training Job (or TFJob / PyTorchJob / TrainJob)',
          }),
        namespace: z =>
          z.string({ description: 'Namespace of the training Job' }),
        modelName: z =>
          z.string({
            description: 'Name of the Model (the kaml-d.io/model label)',
          }),
      },
    },
    async handler(ctx) {
      const input = withDefaults(ctx.input, DEFAULTS);
      const target = requireTarget(options.kubernetes);
      const { client } = target;
      const modelName = modelNameOf(input.model);
      const credentials = await ctx.getInitiatorCredentials();
      if (options.permissions) {
        await authorizeOnModel(
          options.permissions,
          modelTrainPermission,
          input.model,
          credentials,
        );
      }
      // the model's project namespace, or the shared training namespace
      const { training: namespace } = await modelNamespaces(
        target,
        options.catalog,
        input.model,
        credentials,
      );
      const image = input.image.trim();
      if (!image || /\s/.test(image)) {
        throw new InputError(
          `image "${input.image}" is not an image reference`,
        );
      }
      assertQuantity(input.cpu, 'cpu');
      assertQuantity(input.memory, 'memory');
      const credentialsSecret = input.credentialsSecret
        ? assertDnsLabel(input.credentialsSecret, 'credentialsSecret')
        : undefined;
      const credentialsKeys = input.credentialsKeys ?? {
        AWS_ACCESS_KEY_ID: 'accessKeyId',
        AWS_SECRET_ACCESS_KEY: 'secretAccessKey',
      };
      Object.keys(input.env).forEach(envName);
      Object.keys(credentialsKeys).forEach(envName);

      // datasets: in the catalog, with a location, and readable by the initiator (the data, not
      // only the entry), all checked before anything is created
      const locations = await trainingDatasetLocations({
        catalog: options.catalog,
        permissions: options.permissions,
        datasetRefs: input.datasets,
        credentials,
      });

      // the asked-for kind when its CRD is served; a TrainJob's runtime must exist
      const kind = await resolveTrainingKind({
        client,
        logger: ctx.logger,
        input,
      });
      const accessResource = runResource(kind);

      // the cluster: reachable, may create the run here, and has a node with enough GPUs
      await ensureAccess(client, [
        { verb: 'create', ...accessResource, namespace },
        { verb: 'get', ...accessResource, namespace },
      ]);
      const runtime =
        kind === 'TrainJob'
          ? await checkTrainingRuntime(
              client,
              input.runtime,
              input.runtimeKind,
              namespace,
            )
          : undefined;
      if (input.gpus > 0) {
        const max = maxGpusPerNode(
          await client.list<V1Node>('v1', 'Node', undefined),
        );
        if (input.gpus > max) {
          throw new InputError(
            `${input.gpus} GPUs cannot be scheduled: the largest node has ${max} nvidia.com/gpu`,
          );
        }
      }

      const taskId = ctx.task.id;
      const jobName = deterministicName(
        'train',
        modelName,
        `${taskId}/${ctx.step?.id ?? ''}`,
        kind === 'TrainJob' ? TRAINJOB_NAME_MAX : 63,
      );
      const run = buildTrainingRun({
        kind,
        runtime,
        jobName,
        namespace,
        modelName,
        taskLabel: taskLabelValue(taskId),
        launchedBy: ctx.user?.ref,
        image,
        locations,
        credentialsSecret,
        credentialsKeys,
        input,
      });

      ctx.output('kind', kind);
      ctx.output('jobName', jobName);
      ctx.output('namespace', namespace);
      ctx.output('modelName', modelName);
      const replicas = `${kind === 'Job' ? '' : ` × ${input.workers}`}${
        runtime ? ` on ${runtime.kind} ${runtime.name}` : ''
      }`;
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would create ${kind} ${namespace}/${jobName} (${input.gpus} GPU, ${input.cpu} CPU, ${input.memory}${replicas})`,
        );
        return;
      }

      await ctx.checkpoint({
        key: `kaml-d.training.launch.${namespace}.${jobName}`,
        fn: async () => {
          const created = await createOnce(client, run);
          return created.metadata?.uid ?? '';
        },
      });
      ctx.logger.info(
        `Training ${kind} ${namespace}/${jobName} created for model ${modelName}${replicas}`,
      );
    },
  });
}
