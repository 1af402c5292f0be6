import { InputError } from '@backstage/errors';
import type {
  KubernetesObject,
  V1Container,
  V1Deployment,
  V1Service,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { AccessCheck } from '../kubernetes/types';
import { containerResources, workloadLabels } from './workloadManifest';

/** The KServe API whose presence switches deploys to InferenceServices. */
export const KSERVE_GROUP_VERSION = 'serving.kserve.io/v1beta1';
const NAME_LABEL = 'app.kubernetes.io/name';
const TRACK_LABEL = 'kaml-d.io/track';

/** The inputs of `kaml-d:model:deploy` the serving objects are built from, defaults applied. */
export interface ModelServingInput {
  image: string;
  replicas: number;
  port: number;
  cpu: string;
  memory: string;
  gpus: number;
  podAnnotations: Record<string, string>;
  canary?: { image: string; percent: number };
  autoscale?: {
    minReplicas: number;
    maxReplicas: number;
    targetCPUUtilizationPercentage?: number;
  };
}

/** Stable and canary pods of a deploy. */
export interface ReplicaSplit {
  stable: number;
  canary: number;
}

/** What serves a model, object by object, before anything is applied. */
export type ServingPlan =
  | {
      kind: 'InferenceService';
      endpoint: string;
      inferenceService: KubernetesObject & { spec: Record<string, unknown> };
    }
  | {
      kind: 'Deployment';
      endpoint: string;
      split: ReplicaSplit;
      stable: V1Deployment;
      /** The name of the canary Deployment, also when this deploy has none (to retire one). */
      canaryName: string;
      canary?: V1Deployment;
      service: V1Service;
      hpa?: V2HorizontalPodAutoscaler;
    };

/**
 * Splits `replicas` between the stable and the canary Deployment so the canary's share of pods
 * (and so of requests, the Service balancing over both) is as close as possible to `percent`,
 * with at least one pod on each side.
 */
export function splitReplicas(replicas: number, percent: number): ReplicaSplit {
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

/** The rights a deploy needs in `namespace`: create and update every kind it applies. */
export function servingAccessChecks(options: {
  kserve: boolean;
  namespace: string;
  autoscale: boolean;
}): AccessCheck[] {
  const { namespace } = options;
  const createAndUpdate = (group: string, resource: string): AccessCheck[] => [
    { verb: 'create', group, resource, namespace },
    { verb: 'update', group, resource, namespace },
  ];
  if (options.kserve) {
    return createAndUpdate('serving.kserve.io', 'inferenceservices');
  }
  return [
    ...createAndUpdate('apps', 'deployments'),
    ...createAndUpdate('', 'services'),
    ...(options.autoscale
      ? createAndUpdate('autoscaling', 'horizontalpodautoscalers')
      : []),
  ];
}

/**
 * The objects serving model `name` in `namespace`: a KServe InferenceService (`kserve`), or a
 * stable Deployment (with a canary beside it when asked for), a Service over both and an HPA when
 * autoscaling. Pure: every input was validated and authorized before.
 */
export function planServing(options: {
  kserve: boolean;
  name: string;
  namespace: string;
  /** The served version, for the `kaml-d.io/model-version` label. */
  version?: string;
  taskLabel: string;
  split: ReplicaSplit;
  input: ModelServingInput;
}): ServingPlan {
  const { kserve, name, namespace, version, split, input } = options;
  const labels = {
    ...workloadLabels({
      component: 'model-server',
      modelName: name,
      taskLabel: options.taskLabel,
    }),
    [NAME_LABEL]: name,
    ...(version ? { 'kaml-d.io/model-version': version } : {}),
  };
  const container = (image: string): V1Container => ({
    name: 'model',
    image,
    ports: [{ name: 'http', containerPort: input.port }],
    resources: containerResources(input),
  });
  const endpointOf = (host: string) =>
    `http://${host}.${namespace}.svc.cluster.local`;

  if (kserve) {
    return {
      kind: 'InferenceService',
      endpoint: endpointOf(`${name}-predictor`),
      inferenceService: {
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
      },
    };
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
  const canaryName = `${name}-canary`.slice(0, 63);
  return {
    kind: 'Deployment',
    endpoint: endpointOf(name),
    split,
    stable: deployment(name, 'stable', split.stable, input.image),
    canaryName,
    canary: input.canary
      ? deployment(canaryName, 'canary', split.canary, input.canary.image)
      : undefined,
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels },
      spec: {
        selector: { [NAME_LABEL]: name },
        ports: [{ name: 'http', port: 80, targetPort: input.port }],
      },
    },
    hpa: input.autoscale && {
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
    },
  };
}
