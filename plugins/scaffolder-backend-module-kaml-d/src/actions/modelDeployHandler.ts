import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { modelDeployPermission } from '@kaml-d/plugin-kaml-d-common';
import type { V1Deployment } from '@kubernetes/client-node';
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
} from '../kubernetes/target';
import { KubeClient } from '../kubernetes/types';
import { authorizeOnModel } from './authorize';
import { withDefaults } from './input';
import {
  KSERVE_GROUP_VERSION,
  ModelServingInput,
  planServing,
  servingAccessChecks,
  ServingPlan,
  splitReplicas,
} from './modelDeployManifests';
import { MODEL_LABEL } from './workloadManifest';

/** The inputs of `kaml-d:model:deploy`, as its schema declares them. */
export type ModelDeployInput = {
  model: string;
  image: string;
  version?: string;
  replicas?: number;
  port?: number;
  canary?: { image: string; percent: number };
  cpu?: string;
  memory?: string;
  gpus?: number;
  autoscale?: {
    minReplicas: number;
    maxReplicas: number;
    targetCPUUtilizationPercentage?: number;
  };
  target?: 'auto' | 'deployment' | 'inferenceService';
  podAnnotations?: Record<string, string>;
};

/** The outputs of `kaml-d:model:deploy`, as its schema declares them. */
export type ModelDeployOutput = {
  kind: 'Deployment' | 'InferenceService';
  namespace: string;
  name: string;
  canaryName?: string;
  serviceName?: string;
  endpoint: string;
};

/** What the action was created with. */
export interface ModelDeployDeps {
  kubernetes: KubeTarget | undefined;
  permissions?: PermissionsService;
  catalog?: CatalogService;
}

type DeployContext = ActionContext<ModelDeployInput, ModelDeployOutput>;
type StepContext = Pick<DeployContext, 'checkpoint' | 'logger'>;

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
 * Everything checked before a deploy plans anything: the initiator may deploy the model, the
 * inputs are well-formed, the replicas split, KServe is there when asked for, and the cluster
 * lets the backend create and update what the deploy applies. Answers where and how to serve.
 */
async function validateDeploy(options: {
  deps: ModelDeployDeps;
  target: KubeTarget;
  input: ModelServingInput & {
    model: string;
    version?: string;
    target: 'auto' | 'deployment' | 'inferenceService';
  };
  credentials: BackstageCredentials;
}) {
  const { deps, target, input, credentials } = options;
  if (deps.permissions) {
    await authorizeOnModel(
      deps.permissions,
      modelDeployPermission,
      input.model,
      credentials,
    );
  }
  // the model's project namespace, or the shared models namespace
  const { models: namespace } = await modelNamespaces(
    target,
    deps.catalog,
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
    throw new InputError('autoscale.minReplicas is larger than maxReplicas');
  }
  const split = splitReplicas(input.replicas, input.canary?.percent ?? 0);

  // KServe only when its CRD is served (API discovery, cached by the client)
  const kserve =
    input.target !== 'deployment' &&
    (await target.client.servesResource(
      KSERVE_GROUP_VERSION,
      'inferenceservices',
    ));
  if (input.target === 'inferenceService' && !kserve) {
    throw new InputError(
      'target inferenceService needs KServe, but the cluster does not serve inferenceservices.serving.kserve.io (CRD not installed): install KServe or use target auto or deployment',
    );
  }
  await ensureAccess(
    target.client,
    servingAccessChecks({ kserve, namespace, autoscale: !!input.autoscale }),
  );
  return { namespace, version, split, kserve };
}

/** The step's outputs: where the model is served and by what. */
function outputServing(
  ctx: Pick<DeployContext, 'output'>,
  plan: ServingPlan,
  namespace: string,
  name: string,
) {
  ctx.output('namespace', namespace);
  ctx.output('name', name);
  ctx.output('kind', plan.kind);
  if (plan.kind === 'Deployment') ctx.output('serviceName', name);
  ctx.output('endpoint', plan.endpoint);
  if (plan.kind === 'Deployment' && plan.canary) {
    ctx.output('canaryName', plan.canaryName);
  }
}

/** What a dry run says it would apply. */
function dryRunSummary(plan: ServingPlan, namespace: string, name: string) {
  if (plan.kind === 'InferenceService') {
    return `Dry run: would apply InferenceService ${namespace}/${name}`;
  }
  const { split, canary, canaryName, hpa } = plan;
  return (
    `Dry run: would apply Deployment ${namespace}/${name} (${split.stable} replicas)` +
    `${
      canary ? `, canary ${canaryName} (${split.canary})` : ''
    }, Service ${name}${hpa ? ', HPA' : ''}`
  );
}

/**
 * A canary of an earlier deploy would keep taking a share of the traffic: scales it to 0 when it
 * is this model's.
 */
async function retireFormerCanary(
  ctx: StepContext,
  client: KubeClient,
  namespace: string,
  name: string,
  canaryName: string,
) {
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
    ctx.logger.info(`Former canary ${namespace}/${canaryName} scaled to 0`);
  }
}

/** Applies the planned objects, each in its own checkpoint so a retried task skips what is done. */
async function applyServing(
  ctx: StepContext,
  client: KubeClient,
  plan: ServingPlan,
  namespace: string,
  name: string,
) {
  const step = (key: string, fn: () => Promise<void>) =>
    ctx.checkpoint({ key: `kaml-d.model.deploy.${namespace}.${key}`, fn });

  if (plan.kind === 'InferenceService') {
    await step(`${name}.inferenceservice`, async () => {
      await apply(client, plan.inferenceService);
    });
    ctx.logger.info(`InferenceService ${namespace}/${name} applied`);
    return;
  }

  const { stable, canary, canaryName, service, hpa, split } = plan;
  await step(`${name}.deployment`, async () => {
    await apply(client, stable, (live, desired) =>
      // an HPA owns the replica count once it exists
      hpa && desired.spec
        ? {
            ...desired,
            spec: { ...desired.spec, replicas: live.spec?.replicas },
          }
        : desired,
    );
  });
  if (canary) {
    await step(`${canaryName}.canary`, async () => {
      await apply(client, canary);
    });
  } else {
    await step(`${canaryName}.retire`, () =>
      retireFormerCanary(ctx, client, namespace, name, canaryName),
    );
  }
  await step(`${name}.service`, async () => {
    await apply(client, service, (live, desired) => ({
      ...desired,
      spec: {
        ...desired.spec,
        clusterIP: live.spec?.clusterIP,
        clusterIPs: live.spec?.clusterIPs,
      },
    }));
  });
  if (hpa) {
    await step(`${name}.hpa`, async () => {
      await apply(client, hpa);
    });
  }
  ctx.logger.info(
    `Model ${name} deployed in ${namespace}: ${split.stable} stable${
      canary ? ` + ${split.canary} canary` : ''
    } replica(s) behind Service ${name}`,
  );
}

/** The handler of `kaml-d:model:deploy`: validate, plan the serving objects, apply them. */
export async function deployModel(ctx: DeployContext, deps: ModelDeployDeps) {
  const input = withDefaults(ctx.input, DEFAULTS);
  const target = requireTarget(deps.kubernetes);

  const name = modelNameOf(input.model);
  const credentials = await ctx.getInitiatorCredentials();
  const { namespace, version, split, kserve } = await validateDeploy({
    deps,
    target,
    input,
    credentials,
  });

  const plan = planServing({
    kserve,
    name,
    namespace,
    version,
    taskLabel: taskLabelValue(ctx.task.id),
    split,
    input,
  });
  outputServing(ctx, plan, namespace, name);
  if (ctx.isDryRun) {
    ctx.logger.info(dryRunSummary(plan, namespace, name));
    return;
  }

  await applyServing(ctx, target.client, plan, namespace, name);
}
