import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ANNOTATION_KAML_D_PROJECT_NAMESPACE } from './annotations';
import { isDnsLabel } from './kubernetesNames';

/**
 * Where a Model's training Jobs and Deployments run.
 *
 * @public
 */
export interface ModelNamespaces {
  training: string;
  models: string;
  /** The project (System) whose namespace this is; undefined for the shared namespaces. */
  project?: string;
}

/**
 * The namespaces of a Model: its project's namespace (annotation
 * {@link ANNOTATION_KAML_D_PROJECT_NAMESPACE} on the System in `spec.system`) for both
 * training and serving, else the shared ones. `getSystem` reads the catalog (with the caller's
 * credentials); a System that cannot be read leaves the shared namespaces. An annotation that is
 * not a namespace name throws an error that names the System and the annotation to fix.
 *
 * @public
 */
export async function resolveModelNamespaces(
  model: Entity | undefined,
  shared: { trainingNamespace: string; modelsNamespace: string },
  getSystem: (ref: CompoundEntityRef) => Promise<Entity | undefined>,
): Promise<ModelNamespaces> {
  const fallback = {
    training: shared.trainingNamespace,
    models: shared.modelsNamespace,
  };
  const system = (model?.spec as { system?: unknown } | undefined)?.system;
  if (!model || typeof system !== 'string' || !system) return fallback;
  let ref: CompoundEntityRef;
  try {
    ref = parseEntityRef(system, {
      defaultKind: 'system',
      defaultNamespace: model.metadata.namespace ?? 'default',
    });
  } catch {
    return fallback;
  }
  const entity = await getSystem(ref);
  const namespace =
    entity?.metadata.annotations?.[ANNOTATION_KAML_D_PROJECT_NAMESPACE];
  if (!entity || namespace === undefined) return fallback;
  if (!isDnsLabel(namespace)) {
    throw new Error(
      `project ${stringifyEntityRef(
        entity,
      )} sets ${ANNOTATION_KAML_D_PROJECT_NAMESPACE} "${namespace}", which is not a namespace name (lower-case letters, digits and '-', at most 63): fix the System's annotation`,
    );
  }
  return {
    training: namespace,
    models: namespace,
    project: stringifyEntityRef(entity),
  };
}
