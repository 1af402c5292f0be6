import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';

/**
 * Identifies one namespaced object.
 *
 * @public
 */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/**
 * One SelfSubjectAccessReview question: may these credentials do `verb` on `resource`?
 *
 * @public
 */
export interface AccessCheck {
  verb: string;
  /** API group; '' for the core group. */
  group: string;
  resource: string;
  namespace: string;
}

/**
 * The few Kubernetes calls the KAML-D actions make. `createKubeClient` implements it with
 * `@kubernetes/client-node`; unit tests use an in-memory cluster.
 *
 * @public
 */
export interface KubeClient {
  /** Asks the API server whether the configured credentials may do one thing. */
  canI(check: AccessCheck): Promise<boolean>;
  /** Whether the API server serves a group version, such as `serving.kserve.io/v1beta1`. */
  servesGroupVersion(groupVersion: string): Promise<boolean>;
  /**
   * Whether the API server serves a resource of a group version, such as `tfjobs` of
   * `kubeflow.org/v1` (its CRD is installed and established). Answers are cached briefly.
   */
  servesResource(groupVersion: string, resource: string): Promise<boolean>;
  /** The object, or undefined when it does not exist. */
  read<T extends KubernetesObject>(ref: ObjectRef): Promise<T | undefined>;
  /** Creates an object; throws {@link KubeApiError} with status 409 when it exists. */
  create<T extends KubernetesObject>(object: T): Promise<T>;
  /** Replaces an object (metadata.resourceVersion must be the one read). */
  replace<T extends KubernetesObject>(object: T): Promise<T>;
  /** Objects of a kind; namespace undefined lists cluster-scoped objects (nodes). */
  list<T extends KubernetesObject>(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    labelSelector?: string,
  ): Promise<T[]>;
  /** The last `tailLines` lines of a container's log, each prefixed by its RFC 3339 timestamp. */
  podLog(
    namespace: string,
    pod: string,
    container: string,
    tailLines: number,
  ): Promise<string>;
}

/**
 * An API server answer other than success.
 *
 * @public
 */
export class KubeApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
  }
}

export type { V1Pod };
