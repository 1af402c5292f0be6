import {
  ApiException,
  ApisApi,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObject,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { KamlDKubernetesSettings } from './config';
import { AccessCheck, KubeApiError, KubeClient, ObjectRef } from './types';

function reason(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.slice(0, 500) || undefined;
    }
  }
  if (parsed && typeof parsed === 'object' && 'message' in parsed) {
    const message = (parsed as { message: unknown }).message;
    return typeof message === 'string' ? message : undefined;
  }
  return undefined;
}

/** Turns client-node errors into {@link KubeApiError} (status + the API server's message). */
async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ApiException) {
      throw new KubeApiError(
        e.code,
        `${what}: HTTP ${e.code}${reason(e.body) ? ` ${reason(e.body)}` : ''}`,
      );
    }
    const message = e instanceof Error ? e.message : String(e);
    throw new KubeApiError(
      0,
      `${what}: the API server is unreachable (${message})`,
    );
  }
}

/** How long API discovery answers (group list, resource lists) are reused. */
export const DISCOVERY_CACHE_MS = 60_000;

/** Caches one promise per key for `ttlMs`; a rejected promise is forgotten at once. */
function memoize<T>(ttlMs: number, now: () => number = Date.now) {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  return (key: string, load: () => Promise<T>): Promise<T> => {
    const hit = entries.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.value;
    const value = load();
    entries.set(key, { at: now(), value });
    value.catch(() => entries.delete(key));
    return value;
  };
}

/**
 * A {@link KubeClient} on `@kubernetes/client-node` for the configured cluster.
 *
 * @public
 */
export function createKubeClient(
  settings: KamlDKubernetesSettings,
): KubeClient {
  const kc = settings.kubeConfig;
  const custom = kc.makeApiClient(CustomObjectsApi);
  const apis = kc.makeApiClient(ApisApi);
  const groupList = memoize<string[]>(DISCOVERY_CACHE_MS);
  const resourceList =
    memoize<Array<{ name: string; kind: string }>>(DISCOVERY_CACHE_MS);
  const resourcesOf = (groupVersion: string) =>
    resourceList(groupVersion, async () => {
      const [group, version] = groupVersion.split('/');
      const list = await call(`API discovery of ${groupVersion}`, () =>
        custom.getAPIResources({ group, version }),
      );
      return list.resources
        .filter(r => !r.name.includes('/'))
        .map(r => ({ name: r.name, kind: r.kind }));
    });
  /**
   * Custom resources go through the custom-objects API: the generic object API serializes
   * unknown kinds as bare KubernetesObjects and would drop their spec.
   */
  const customTarget = (apiVersion: string, kind: string) => {
    const [group, version] = apiVersion.split('/');
    if (!version || !group.includes('.') || group.endsWith('.k8s.io')) {
      return undefined;
    }
    return { group, version, kind };
  };
  const pluralOf = async (t: {
    group: string;
    version: string;
    kind: string;
  }) => {
    const found = (await resourcesOf(`${t.group}/${t.version}`)).find(
      r => r.kind === t.kind,
    );
    if (!found) {
      throw new KubeApiError(
        404,
        `${t.kind} of ${t.group}/${t.version} is not served by the API server (CRD not installed)`,
      );
    }
    return found.name;
  };
  const servedGroupVersions = () =>
    groupList('groups', async () => {
      const groups = await call('API discovery', () => apis.getAPIVersions());
      return groups.groups.flatMap(g => g.versions.map(v => v.groupVersion));
    });
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const core = kc.makeApiClient(CoreV1Api);
  const authz = kc.makeApiClient(AuthorizationV1Api);
  const header = (ref: ObjectRef) => ({
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, namespace: ref.namespace },
  });
  const describe = (o: KubernetesObject) =>
    `${o.kind} ${o.metadata?.namespace}/${o.metadata?.name}`;

  return {
    async canI(check: AccessCheck) {
      const review = await call(
        `access review for ${check.verb} ${check.resource}`,
        () =>
          authz.createSelfSubjectAccessReview({
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SelfSubjectAccessReview',
              spec: { resourceAttributes: { ...check } },
            },
          }),
      );
      return review.status?.allowed === true;
    },
    async servesGroupVersion(groupVersion) {
      return (await servedGroupVersions()).includes(groupVersion);
    },
    async servesResource(groupVersion, resource) {
      // the group list first: one cached call answers "not installed" for every absent group
      if (!(await servedGroupVersions()).includes(groupVersion)) return false;
      return (await resourcesOf(groupVersion)).some(r => r.name === resource);
    },
    async read<T extends KubernetesObject>(ref: ObjectRef) {
      try {
        const t = customTarget(ref.apiVersion, ref.kind);
        if (t) {
          const plural = await pluralOf(t);
          return (await call(
            `read ${ref.kind} ${ref.namespace}/${ref.name}`,
            () =>
              custom.getNamespacedCustomObject({
                group: t.group,
                version: t.version,
                namespace: ref.namespace,
                plural,
                name: ref.name,
              }),
          )) as T;
        }
        return await call(`read ${ref.kind} ${ref.namespace}/${ref.name}`, () =>
          objects.read<T>(header(ref)),
        );
      } catch (e) {
        if (e instanceof KubeApiError && e.status === 404) return undefined;
        throw e;
      }
    },
    async create<T extends KubernetesObject>(object: T) {
      const t = customTarget(object.apiVersion ?? '', object.kind ?? '');
      if (t) {
        const plural = await pluralOf(t);
        return (await call(`create ${describe(object)}`, () =>
          custom.createNamespacedCustomObject({
            group: t.group,
            version: t.version,
            namespace: object.metadata?.namespace ?? '',
            plural,
            body: object,
          }),
        )) as T;
      }
      return call(`create ${describe(object)}`, () =>
        objects.create<T>(object),
      );
    },
    async replace<T extends KubernetesObject>(object: T) {
      const t = customTarget(object.apiVersion ?? '', object.kind ?? '');
      if (t) {
        const plural = await pluralOf(t);
        return (await call(`replace ${describe(object)}`, () =>
          custom.replaceNamespacedCustomObject({
            group: t.group,
            version: t.version,
            namespace: object.metadata?.namespace ?? '',
            plural,
            name: object.metadata?.name ?? '',
            body: object,
          }),
        )) as T;
      }
      return call(`replace ${describe(object)}`, () =>
        objects.replace<T>(object),
      );
    },
    async list<T extends KubernetesObject>(
      apiVersion: string,
      kind: string,
      namespace: string | undefined,
      labelSelector?: string,
    ) {
      const result = await call(
        `list ${kind} in ${namespace ?? 'the cluster'}`,
        () =>
          objects.list<T>(
            apiVersion,
            kind,
            namespace,
            undefined,
            undefined,
            undefined,
            undefined,
            labelSelector,
          ),
      );
      return result.items;
    },
    podLog: (namespace, pod, container, tailLines) =>
      call(`log of pod ${namespace}/${pod}`, () =>
        core.readNamespacedPodLog({
          namespace,
          name: pod,
          container,
          tailLines,
          timestamps: true,
        }),
      ),
  };
}
