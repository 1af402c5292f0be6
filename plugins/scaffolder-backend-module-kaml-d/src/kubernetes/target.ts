import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { KubernetesObject } from '@kubernetes/client-node';
import {
  ModelNamespaces,
  resolveModelNamespaces,
} from '@kaml-d/plugin-kaml-d-common';
import { NOT_CONFIGURED_MESSAGE } from './config';
import { AccessCheck, KubeApiError, KubeClient } from './types';

/**
 * The cluster the actions act on: a client and the two namespaces.
 *
 * @public
 */
export interface KubeTarget {
  client: KubeClient;
  trainingNamespace: string;
  modelsNamespace: string;
}

/** The target, or the error that says what to configure. */
export function requireTarget(target: KubeTarget | undefined): KubeTarget {
  if (!target) throw new InputError(NOT_CONFIGURED_MESSAGE);
  return target;
}

/**
 * The namespaces of a model: its project's (the System's `kaml-d.io/namespace`), or the shared
 * training and models namespaces. Read with the task user's credentials.
 */
export async function modelNamespaces(
  target: KubeTarget,
  catalog: CatalogService | undefined,
  modelRef: string,
  credentials: BackstageCredentials,
): Promise<ModelNamespaces> {
  const shared = {
    trainingNamespace: target.trainingNamespace,
    modelsNamespace: target.modelsNamespace,
  };
  if (!catalog) {
    return {
      training: shared.trainingNamespace,
      models: shared.modelsNamespace,
    };
  }
  // the actions accept `churn` as well as `model:default/churn`
  const model = await catalog.getEntityByRef(
    parseEntityRef(modelRef, {
      defaultKind: 'model',
      defaultNamespace: 'default',
    }),
    { credentials },
  );
  try {
    return await resolveModelNamespaces(model, shared, ref =>
      catalog.getEntityByRef(ref, { credentials }),
    );
  } catch (e) {
    throw new InputError((e as Error).message);
  }
}

/**
 * Fails unless the credentials may do every listed thing (SelfSubjectAccessReview), so a step
 * stops before its first mutation rather than half-way through.
 */
export async function ensureAccess(
  client: KubeClient,
  checks: AccessCheck[],
): Promise<void> {
  const answers = await Promise.all(checks.map(c => client.canI(c)));
  const denied = checks.filter((_, i) => !answers[i]);
  if (denied.length) {
    throw new NotAllowedError(
      `the portal's Kubernetes credentials may not ${denied
        .map(
          d =>
            `${d.verb} ${
              d.group ? `${d.resource}.${d.group}` : d.resource
            } in ${d.namespace || 'the cluster'}`,
        )
        .join(', ')}: grant them in the portal's RBAC (see the module README)`,
    );
  }
}

/** The label every object created by a task carries, so a retry can recognise its own objects. */
export const TASK_LABEL = 'kaml-d.io/task-id';

/**
 * Creates `object`, or, when an object of that name exists and carries the same task label,
 * returns it (a retry after the create succeeded but before the checkpoint was stored).
 * Anything else with that name is a conflict, never silently adopted.
 */
export async function createOnce<T extends KubernetesObject>(
  client: KubeClient,
  object: T,
): Promise<T> {
  try {
    return await client.create(object);
  } catch (e) {
    if (!(e instanceof KubeApiError) || e.status !== 409) throw e;
    const meta = object.metadata ?? {};
    const existing = await client.read<T>({
      apiVersion: object.apiVersion ?? '',
      kind: object.kind ?? '',
      namespace: meta.namespace ?? '',
      name: meta.name ?? '',
    });
    const mine = meta.labels?.[TASK_LABEL];
    if (existing && mine && existing.metadata?.labels?.[TASK_LABEL] === mine) {
      return existing;
    }
    throw new ConflictError(
      `${object.kind} ${meta.namespace}/${meta.name} already exists and was not created by this task`,
    );
  }
}

/**
 * Creates `object` or replaces the existing one of that name (keeping its resourceVersion and
 * whatever `keep` copies from the live object, such as a Service's clusterIP).
 */
export async function apply<T extends KubernetesObject>(
  client: KubeClient,
  object: T,
  keep: (live: T, desired: T) => T = (_, desired) => desired,
): Promise<T> {
  const meta = object.metadata ?? {};
  const live = await client.read<T>({
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
  });
  if (!live) return client.create(object);
  const desired = keep(live, object);
  return client.replace({
    ...desired,
    metadata: {
      ...desired.metadata,
      resourceVersion: live.metadata?.resourceVersion,
    },
  });
}

/** A promise that resolves after `ms`, or rejects when the task is cancelled. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('the task was cancelled'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(new Error('the task was cancelled'));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
