import type { KubernetesObject } from '@kubernetes/client-node';
import {
  AccessCheck,
  KubeApiError,
  KubeClient,
  ObjectRef,
} from '../kubernetes/types';

function keyOf(
  apiVersion: string,
  kind: string,
  namespace: string,
  name: string,
) {
  return `${apiVersion}|${kind}|${namespace}|${name}`;
}

function matches(
  labels: Record<string, string> | undefined,
  selector?: string,
) {
  if (!selector) return true;
  return selector.split(',').every(term => {
    const [k, v] = term.split('=');
    return labels?.[k] === v;
  });
}

/**
 * An in-memory API server for unit tests: stores objects, answers 404/409 like the real one,
 * counts mutations, and lets a test deny access, drop the connection or advance object status.
 */
export class InMemoryKubeClient implements KubeClient {
  readonly objects = new Map<string, KubernetesObject>();
  readonly groupVersions = new Set<string>(['v1', 'apps/v1', 'batch/v1']);
  readonly logs = new Map<string, string>();
  readonly mutations: string[] = [];
  denied: (check: AccessCheck) => boolean = () => false;
  unreachable = false;
  /** Runs before every read and list, to move status along like controllers would. */
  onRead: (cluster: InMemoryKubeClient) => void = () => {};
  private version = 1;

  private reach() {
    if (this.unreachable) {
      throw new KubeApiError(
        0,
        'the API server is unreachable (connect ECONNREFUSED)',
      );
    }
  }

  async canI(check: AccessCheck) {
    this.reach();
    return !this.denied(check);
  }

  async servesGroupVersion(groupVersion: string) {
    this.reach();
    return this.groupVersions.has(groupVersion);
  }

  /** Resources served beyond the built-in kinds, as `group/version/plural`. */
  readonly resources = new Set<string>();

  async servesResource(groupVersion: string, resource: string) {
    this.reach();
    return (
      this.groupVersions.has(groupVersion) &&
      this.resources.has(`${groupVersion}/${resource}`)
    );
  }

  async read<T extends KubernetesObject>(
    ref: ObjectRef,
  ): Promise<T | undefined> {
    this.reach();
    this.onRead(this);
    const found = this.objects.get(
      keyOf(ref.apiVersion, ref.kind, ref.namespace, ref.name),
    );
    return found ? (structuredClone(found) as T) : undefined;
  }

  async create<T extends KubernetesObject>(object: T): Promise<T> {
    this.reach();
    const m = object.metadata ?? {};
    const key = keyOf(
      object.apiVersion ?? '',
      object.kind ?? '',
      m.namespace ?? '',
      m.name ?? '',
    );
    if (this.objects.has(key)) {
      throw new KubeApiError(409, `${object.kind} ${m.name} already exists`);
    }
    const stored: T = structuredClone({
      ...object,
      metadata: {
        ...m,
        uid: `uid-${this.version}`,
        resourceVersion: String(this.version++),
        generation: 1,
      },
    });
    this.objects.set(key, stored);
    this.mutations.push(`create ${object.kind} ${m.namespace}/${m.name}`);
    return structuredClone(stored);
  }

  async replace<T extends KubernetesObject>(object: T): Promise<T> {
    this.reach();
    const m = object.metadata ?? {};
    const key = keyOf(
      object.apiVersion ?? '',
      object.kind ?? '',
      m.namespace ?? '',
      m.name ?? '',
    );
    const live = this.objects.get(key);
    if (!live)
      throw new KubeApiError(404, `${object.kind} ${m.name} not found`);
    if (m.resourceVersion !== live.metadata?.resourceVersion) {
      throw new KubeApiError(409, `${object.kind} ${m.name} was modified`);
    }
    const stored: T = structuredClone({
      ...object,
      metadata: {
        ...m,
        uid: live.metadata?.uid,
        resourceVersion: String(this.version++),
        generation: (live.metadata?.generation ?? 1) + 1,
      },
    });
    this.objects.set(key, stored);
    this.mutations.push(`replace ${object.kind} ${m.namespace}/${m.name}`);
    return structuredClone(stored);
  }

  async list<T extends KubernetesObject>(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    labelSelector?: string,
  ): Promise<T[]> {
    this.reach();
    this.onRead(this);
    const prefix = `${apiVersion}|${kind}|${namespace ?? ''}|`;
    return [...this.objects.entries()]
      .filter(
        ([k, o]) =>
          k.startsWith(prefix) && matches(o.metadata?.labels, labelSelector),
      )
      .map(([, o]) => structuredClone(o) as T);
  }

  async podLog(namespace: string, pod: string) {
    this.reach();
    return this.logs.get(`${namespace}/${pod}`) ?? '';
  }

  /** Stores an object as-is (nodes, pods, status), as a controller would. */
  put<T extends KubernetesObject>(object: T): void {
    const m = object.metadata ?? {};
    this.objects.set(
      keyOf(
        object.apiVersion ?? '',
        object.kind ?? '',
        m.namespace ?? '',
        m.name ?? '',
      ),
      structuredClone(object),
    );
  }

  /** Objects of one kind. */
  all<T extends KubernetesObject>(kind: string): T[] {
    return [...this.objects.values()].filter(o => o.kind === kind) as T[];
  }
}
