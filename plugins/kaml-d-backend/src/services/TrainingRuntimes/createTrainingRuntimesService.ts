import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  TRAINER_GROUP,
  TRAINER_GROUP_VERSION,
  TRAINER_KINDS,
  TrainingRuntimeKind,
  TrainingRuntimeList,
  TrainingRuntimeSummary,
  modelTrainPermission,
  resolveModelNamespaces,
} from '@kaml-d/plugin-kaml-d-common';
import {
  CLUSTER_NOT_CONFIGURED_MESSAGE,
  KamlDClusterAccess,
} from '@kaml-d/plugin-kaml-d-node';
import { ApiException, CustomObjectsApi } from '@kubernetes/client-node';
import { kubeErrorMessage } from '../Runs/kubeReader';

/** The training runtimes a model's TrainJob may run on, read from the cluster. */
export interface TrainingRuntimesService {
  list(
    model: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<TrainingRuntimeList>;
}

const FRAMEWORK_LABEL = 'trainer.kubeflow.org/framework';

type RuntimeObject = {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
  };
};

/**
 * Lists the ClusterTrainingRuntimes and the TrainingRuntimes of the model's training namespace
 * (its project's, else the shared one), for the template's runtime picker. Needs
 * `kaml-d.model.train` on the model: the list serves launching. Without a cluster, or without
 * Kubeflow Trainer v2 on it, the answer is a 503 saying which.
 */
export function createTrainingRuntimesService(options: {
  cluster: KamlDClusterAccess | undefined;
  catalog: CatalogService;
  permissions: PermissionsService;
}): TrainingRuntimesService {
  const { cluster, catalog, permissions } = options;
  const custom = cluster?.kubeConfig.makeApiClient(CustomObjectsApi);
  const [group, version] = TRAINER_GROUP_VERSION.split('/');

  function summaries(
    kind: TrainingRuntimeKind,
    list: { items?: RuntimeObject[] },
  ): TrainingRuntimeSummary[] {
    return (list.items ?? [])
      .filter(r => r.metadata?.name)
      .map(r => ({
        name: r.metadata!.name!,
        kind,
        ...(kind === 'TrainingRuntime' && r.metadata?.namespace
          ? { namespace: r.metadata.namespace }
          : {}),
        ...(r.metadata?.labels?.[FRAMEWORK_LABEL]
          ? { framework: r.metadata.labels[FRAMEWORK_LABEL] }
          : {}),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async function read<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) {
        throw new ServiceUnavailableError(
          `Kubeflow Trainer v2 is not installed on the cluster: it serves no ${TRAINER_GROUP_VERSION} ${what}. Install Kubeflow Trainer v2 (its CRDs and runtimes), or train with kind Job.`,
        );
      }
      if (error instanceof ApiException && error.code === 403) {
        throw new NotAllowedError(
          `The portal's Kubernetes identity may not list ${what} (${kubeErrorMessage(
            error,
          )}); grant it get/list on ${TRAINER_GROUP} ${what}.`,
        );
      }
      throw new ServiceUnavailableError(
        `Kubernetes is unavailable: listing ${what} failed (${kubeErrorMessage(
          error,
        )}).`,
      );
    }
  }

  return {
    async list(ref, credentials) {
      const entityRef = stringifyEntityRef({ ...ref, kind: 'model' });
      const model = await catalog.getEntityByRef(entityRef, { credentials });
      if (!model || model.kind.toLocaleLowerCase('en-US') !== 'model') {
        throw new NotFoundError(`No model ${entityRef} in the catalog.`);
      }
      const [decision] = await permissions.authorize(
        [{ permission: modelTrainPermission, resourceRef: entityRef }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `You may not train ${entityRef}, so its training runtimes are not listed: it needs the permission ${modelTrainPermission.name}.`,
        );
      }
      if (!cluster || !custom) {
        throw new ServiceUnavailableError(CLUSTER_NOT_CONFIGURED_MESSAGE);
      }
      let namespace: string;
      try {
        namespace = (
          await resolveModelNamespaces(model, cluster, r =>
            catalog.getEntityByRef(r, { credentials }),
          )
        ).training;
      } catch (e) {
        throw new InputError((e as Error).message);
      }
      const [clusterWide, namespaced] = await Promise.all([
        read(TRAINER_KINDS.ClusterTrainingRuntime, () =>
          custom.listClusterCustomObject({
            group,
            version,
            plural: TRAINER_KINDS.ClusterTrainingRuntime,
          }),
        ),
        read(TRAINER_KINDS.TrainingRuntime, () =>
          custom.listNamespacedCustomObject({
            group,
            version,
            namespace,
            plural: TRAINER_KINDS.TrainingRuntime,
          }),
        ),
      ]);
      return {
        namespace,
        items: [
          ...summaries('ClusterTrainingRuntime', clusterWide),
          ...summaries('TrainingRuntime', namespaced),
        ],
      };
    },
  };
}
