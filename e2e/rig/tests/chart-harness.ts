// What the chart tests share: helm and kubectl as the rig runs them, rendering with the CI values
// files, a release name and namespace of this run, and the clean-up of what the run created.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadAllYaml } from '@kubernetes/client-node';
import { requireEnv } from './env.ts';

const run = promisify(execFile);
export const chart = resolve(import.meta.dirname, '..', '..', '..', 'charts', 'kaml-d');
export const valuesFiles: Record<string, string[]> = {
  defaults: [],
  'ingress+hpa': ['-f', join(chart, 'ci', 'ingress-hpa-values.yaml')],
  'external secrets': ['-f', join(chart, 'ci', 'external-secrets-values.yaml')],
};
export const TRAINING = 'kaml-d-training';
export const MODELS = 'kaml-d-models';
const suffix = `${process.pid.toString(36)}${Date.now().toString(36)}`.slice(-10);
export const ns = `kaml-d-chart-${suffix}`;
export const release = `kaml-d-${suffix}`;
const sa = `system:serviceaccount:${ns}:${release}`;

let work = '';
/** The scratch folder of this run (created before the first test). */
export function workDir(): string {
  return work;
}
let helmEnv: NodeJS.ProcessEnv = {};
/** Namespaces this file created (deleted at the end). */
const createdNamespaces: string[] = [];

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: any;
};

export async function helm(...args: string[]): Promise<string> {
  const { stdout } = await run(requireEnv('KAML_RIG_HELM'), args, {
    env: helmEnv,
    timeout: 200_000,
    maxBuffer: 16 << 20,
  });
  return stdout;
}

export async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(
    requireEnv('KAML_RIG_KUBECTL'),
    ['--kubeconfig', requireEnv('KAML_RIG_KUBECONFIG_ADMIN'), ...args],
    { timeout: 120_000, maxBuffer: 16 << 20 },
  );
  return stdout;
}

export async function render(name: string, namespace: string, ...extra: string[]): Promise<K8sObject[]> {
  const out = await helm('template', release, chart, '--namespace', namespace, ...valuesFiles[name], ...extra);
  // plain objects (loadAllYaml returns the client's model classes)
  return (JSON.parse(JSON.stringify(loadAllYaml(out))) as Array<K8sObject | null>).filter((o): o is K8sObject => !!o);
}

export function one(objects: K8sObject[], kind: string, nameSuffix = ''): K8sObject {
  const found = objects.filter(o => o.kind === kind && o.metadata.name.endsWith(nameSuffix));
  assert.equal(found.length, 1, `one ${kind}${nameSuffix ? ` named *${nameSuffix}` : ''}, found ${found.length}`);
  return found[0];
}

export function envOf(deployment: K8sObject): Map<string, any> {
  const container = deployment.spec.template.spec.containers[0];
  return new Map(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

/** `kubectl auth can-i` as the chart's service account: true for yes, false for no. */
export async function canI(verb: string, resource: string, namespace?: string, subresource?: string): Promise<boolean> {
  const args = ['auth', 'can-i', verb, resource, `--as=${sa}`];
  args.push(...(namespace ? ['-n', namespace] : ['--all-namespaces']));
  if (subresource) args.push(`--subresource=${subresource}`);
  try {
    return (await kubectl(...args)).trim() === 'yes';
  } catch (e) {
    const out = String((e as { stdout?: string }).stdout ?? '').trim();
    if (out === 'no' || out.startsWith('no')) return false;
    throw e;
  }
}

export async function ensureNamespace(name: string): Promise<void> {
  try {
    await kubectl('get', 'namespace', name);
  } catch {
    await kubectl('create', 'namespace', name);
    createdNamespaces.push(name);
  }
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'kaml-chart-'));
  helmEnv = {
    ...process.env,
    HELM_CONFIG_HOME: join(work, 'config'),
    HELM_CACHE_HOME: join(work, 'cache'),
    HELM_DATA_HOME: join(work, 'data'),
  };
});

after(async () => {
  if (process.env.KAML_RIG_KUBECONFIG_ADMIN) {
    await helm('uninstall', release, '--kubeconfig', requireEnv('KAML_RIG_KUBECONFIG_ADMIN'), '-n', ns, '--wait', '--timeout', '90s').catch(
      () => '',
    );
    for (const n of createdNamespaces.reverse()) await kubectl('delete', 'namespace', n, '--wait=false').catch(() => '');
  }
  if (work) await rm(work, { recursive: true, force: true });
});
