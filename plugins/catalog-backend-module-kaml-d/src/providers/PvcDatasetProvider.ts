import {
  AuthService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { isError } from '@backstage/errors';
import {
  CatalogService,
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { PVC_DATASET_LABEL, pvcLocation } from '@kaml-d/plugin-kaml-d-common';
import {
  DatasetBindingPolicy,
  readDatasetBindingPolicy,
  readKamlDClusterAccess,
} from '@kaml-d/plugin-kaml-d-node';
import { CoreV1Api, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { DEFAULT_DISCOVERY_LIFECYCLE, DEFAULT_DISCOVERY_OWNER } from './config';
import {
  declaredDatasetLocations,
  discoveredEntity,
  normaliseLocation,
  toEntityName,
} from './entities';

/** Type part of the provider name (`kaml-d-pvc:<cluster>`). */
export const PVC_PROVIDER_TYPE = 'kaml-d-pvc';
/** Annotations of a labelled claim that fill its Dataset entity. */
export const PVC_ANNOTATIONS = {
  title: 'kaml-d.io/title',
  description: 'kaml-d.io/description',
  owner: 'kaml-d.io/owner',
  format: 'kaml-d.io/format',
  lifecycle: 'kaml-d.io/lifecycle',
} as const;
/** Scans of the labelled claims when discovery is on. */
export const PVC_DISCOVERY_SCHEDULE = {
  frequency: { minutes: 2 },
  timeout: { minutes: 1 },
  initialDelay: { seconds: 10 },
};
const DEFAULT_CLUSTER = 'kaml-d';

/** Lists the claims that carry {@link PVC_DATASET_LABEL}, in every namespace. */
export type LabelledClaimLister = () => Promise<V1PersistentVolumeClaim[]>;

/**
 * What a scan of labelled claims did.
 *
 * @public
 */
export interface PvcScanResult {
  datasets: number;
  /** Claims left out: a second claim naming the same dataset, or declared by an admin. */
  skipped: number;
}

/**
 * Options of {@link PvcDatasetProvider.fromConfig}.
 *
 * @public
 */
export interface PvcDatasetProviderOptions {
  logger: LoggerService;
  auth: AuthService;
  catalog: CatalogService;
  scheduler?: SchedulerService;
  schedule?: SchedulerServiceTaskRunner;
  bindingPolicy?: DatasetBindingPolicy;
  /** Lists the claims instead of the workload cluster (`kamlD.workloadCluster`; tests). */
  lister?: LabelledClaimLister;
}

/** The Dataset of one labelled claim (pure; annotations fill title, description, owner, format). */
export function claimDataset(
  providerName: string,
  cluster: string,
  claim: V1PersistentVolumeClaim,
) {
  const annotations = claim.metadata?.annotations ?? {};
  const namespace = claim.metadata?.namespace ?? 'default';
  const name = claim.metadata?.name ?? '';
  const label = claim.metadata?.labels?.[PVC_DATASET_LABEL] ?? name;
  const location = pvcLocation({ cluster, namespace, name });
  const bytes = quantityBytes(claim.status?.capacity?.storage);
  return discoveredEntity(providerName, {
    name: toEntityName(label),
    title: annotations[PVC_ANNOTATIONS.title],
    description:
      annotations[PVC_ANNOTATIONS.description] ??
      `PersistentVolumeClaim ${namespace}/${name} on cluster ${cluster}${
        claim.spec?.storageClassName ? ` (${claim.spec.storageClassName})` : ''
      }.`,
    location,
    format: annotations[PVC_ANNOTATIONS.format] ?? 'binary',
    owner: annotations[PVC_ANNOTATIONS.owner] ?? DEFAULT_DISCOVERY_OWNER,
    lifecycle:
      annotations[PVC_ANNOTATIONS.lifecycle] ?? DEFAULT_DISCOVERY_LIFECYCLE,
    ...(bytes !== undefined ? { size: { bytes } } : {}),
  });
}

function quantityBytes(quantity: string | undefined): number | undefined {
  const m = /^(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity ?? '');
  if (!m) return undefined;
  const unit: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(m[1]) * (m[2] ? unit[m[2]] : 1);
}

/**
 * Discovers PersistentVolumeClaims labelled `kaml-d.io/dataset=<name>` as Dataset entities with
 * `spec.location: pvc://<cluster>/<namespace>/<claim>` (annotations `kaml-d.io/title`,
 * `description`, `owner`, `format`, `lifecycle`). On when the workload cluster (`kamlD.workloadCluster`) and `kamlD.volumes`
 * are configured; the cluster is `kamlD.volumes.cluster` (default `kaml-d`). The selector is a
 * constant (existence of the label): no configured or user value reaches it.
 *
 * @public
 */
export class PvcDatasetProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly logger: LoggerService;

  /** The provider, or undefined when `kamlD.volumes` or the workload cluster is absent. */
  static fromConfig(
    config: Config,
    options: PvcDatasetProviderOptions,
  ): PvcDatasetProvider | undefined {
    if (!config.has('kamlD.volumes')) return undefined;
    const cluster =
      config.getOptionalString('kamlD.volumes.cluster') ?? DEFAULT_CLUSTER;
    let lister = options.lister;
    if (!lister) {
      const access = readKamlDClusterAccess(config, { logger: options.logger });
      if (!access) return undefined;
      const core = access.kubeConfig.makeApiClient(CoreV1Api);
      lister = async () =>
        (
          await core.listPersistentVolumeClaimForAllNamespaces({
            labelSelector: PVC_DATASET_LABEL,
          })
        ).items;
    }
    const taskRunner =
      options.schedule ??
      options.scheduler?.createScheduledTaskRunner(PVC_DISCOVERY_SCHEDULE);
    if (!taskRunner) {
      throw new Error('PvcDatasetProvider needs a scheduler or a schedule');
    }
    return new PvcDatasetProvider(cluster, lister, taskRunner, {
      ...options,
      bindingPolicy: options.bindingPolicy ?? readDatasetBindingPolicy(config),
    });
  }

  private constructor(
    private readonly cluster: string,
    private readonly list: LabelledClaimLister,
    private readonly taskRunner: SchedulerServiceTaskRunner,
    private readonly deps: PvcDatasetProviderOptions & {
      bindingPolicy: DatasetBindingPolicy;
    },
  ) {
    this.logger = deps.logger.child({ target: this.getProviderName() });
  }

  getProviderName(): string {
    return `${PVC_PROVIDER_TYPE}:${this.cluster}`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    const id = `${this.getProviderName()}:refresh`;
    await this.taskRunner.run({
      id,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          // the claims stay as last discovered; the next run tries again
          this.logger.error(
            `Discovery of labelled PersistentVolumeClaims on cluster ${
              this.cluster
            } failed (Kubernetes unavailable?): ${
              isError(error) ? error.message : String(error)
            }`,
          );
        }
      },
    });
  }

  /** Lists the labelled claims and replaces this provider's entities. */
  async refresh(): Promise<PvcScanResult> {
    if (!this.connection) {
      throw new Error(`${this.getProviderName()} is not connected yet`);
    }
    const claims = await this.list();
    const declared = await declaredDatasetLocations(
      this.deps.catalog,
      this.deps.auth,
      this.deps.bindingPolicy,
    );
    const entities: DeferredEntity[] = [];
    const names = new Set<string>();
    let skipped = 0;
    const sorted = [...claims].sort((a, b) =>
      `${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(
        `${b.metadata?.namespace}/${b.metadata?.name}`,
      ),
    );
    for (const claim of sorted) {
      const entity = claimDataset(this.getProviderName(), this.cluster, claim);
      if (
        names.has(entity.metadata.name) ||
        declared.has(normaliseLocation(entity.spec.location))
      ) {
        this.logger.warn(
          `Skipped claim ${claim.metadata?.namespace}/${claim.metadata?.name}: dataset "${entity.metadata.name}" is already another claim's or declared by an admin`,
        );
        skipped++;
        continue;
      }
      names.add(entity.metadata.name);
      entities.push({ entity, locationKey: this.getProviderName() });
    }
    await this.connection.applyMutation({ type: 'full', entities });
    this.logger.info(
      `Discovered ${entities.length} dataset(s) on labelled claims of cluster ${this.cluster} (${skipped} skipped)`,
    );
    return { datasets: entities.length, skipped };
  }
}
