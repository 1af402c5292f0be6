/**
 * The one shape of "this part could not be read, the rest of the answer stands", shared by every
 * KAML-D answer that can be partial (the Runs and Deployments tabs, the Health tab, the SRE
 * page), in the spirit of the `errors` of Backstage's Kubernetes fetcher.
 */

/**
 * The kind of dependency a partial failure comes from.
 *
 * @public
 */
export type PartialFailureSource = 'kubernetes' | 'prometheus';

/**
 * Something that could not be read; the rest of the answer stands.
 *
 * @public
 */
export interface PartialFailure {
  /** The kind of dependency that failed. */
  source: PartialFailureSource;
  /**
   * Which one: a cluster or Prometheus instance name, a custom resource list such as
   * `tfjobs.kubeflow.org`, a panel, or the entity's annotations.
   */
  name: string;
  /** The HTTP status the dependency answered with, when it answered. */
  statusCode?: number;
  /** What went wrong, in words a person can act on. */
  message: string;
}
