// The Helm chart installed on the rig's cluster: manifests accepted, the Deployment ready, and the
// service account allowed exactly what the portal needs.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, requireEnv } from './env.ts';
import {
  canI,
  chart,
  ensureNamespace,
  helm,
  type K8sObject,
  kubectl,
  MODELS,
  ns,
  release,
  render,
  TRAINING,
  valuesFiles,
  workDir,
} from './chart-harness.ts';

describe('on the rig cluster', () => {
  before(async () => {
    requireEnv('KAML_RIG_KUBECONFIG_ADMIN');
    await ensureNamespace(ns);
    await ensureNamespace('team-a'); // readNamespaces/trainingNamespaces of the external-secrets values
  });

  for (const name of Object.keys(valuesFiles)) {
    test(`server-side dry-run accepts every manifest rendered with ${name} values`, async () => {
      const objects = await render(name, ns);
      const file = join(workDir(), `${name.replace(/\W+/g, '-')}.yaml`);
      await writeFile(file, await helm('template', release, chart, '--namespace', ns, ...valuesFiles[name]));
      const out = JSON.parse(await kubectl('apply', '--dry-run=server', '-o', 'json', '-f', file)) as {
        items?: K8sObject[];
      } & K8sObject;
      const accepted = out.items ?? [out];
      assert.deepEqual(
        accepted.map(o => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort(),
        objects.map(o => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort(),
      );
    });
  }

  test('helm install: the Deployment becomes ready on kwok nodes with the chart objects in place', async () => {
    const kc = ['--kubeconfig', requireEnv('KAML_RIG_KUBECONFIG_ADMIN'), '--namespace', ns];
    await kubectl(
      'create', 'secret', 'generic', 'kaml-d-credentials', '-n', ns,
      ...['backend-secret', 'auth-session-secret', 'postgres-password', 'oidc-client-id', 'oidc-client-secret', 's3-access-key-id', 's3-secret-access-key'].map(
        k => `--from-literal=${k}=rig-${k}`,
      ),
    );
    await helm('install', release, chart, ...kc, '--set', 'image.tag=rig', '--wait', '--timeout', '150s');
    const status = JSON.parse(await helm('status', release, ...kc, '--output', 'json')) as { info: { status: string } };
    assert.equal(status.info.status, 'deployed');

    const deployment = JSON.parse(await kubectl('get', 'deployment', release, '-n', ns, '-o', 'json'));
    assert.equal(deployment.status.readyReplicas, 2);
    const pod = deployment.spec.template.spec;
    assert.equal(pod.serviceAccountName, release);
    assert.equal(pod.automountServiceAccountToken, true);
    assert.equal(pod.containers[0].image, 'kaml-d/backend:rig');
    assert.equal(pod.containers[0].readinessProbe.httpGet.path, '/.backstage/health/v1/readiness');
    assert.equal(pod.containers[0].livenessProbe.httpGet.path, '/.backstage/health/v1/liveness');
    assert.equal(pod.containers[0].securityContext.readOnlyRootFilesystem, true);
    assert.equal(pod.securityContext.runAsUser, 1000);

    const pods = JSON.parse(await kubectl('get', 'pods', '-n', ns, '-l', `app.kubernetes.io/instance=${release}`, '-o', 'json'));
    assert.equal(pods.items.length, 2);
    for (const p of pods.items) {
      assert.match(p.spec.nodeName, /kwok/);
      assert.ok(p.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True'));
    }

    const account = JSON.parse(await kubectl('get', 'serviceaccount', release, '-n', ns, '-o', 'json'));
    assert.equal(account.metadata.name, release);
    const crb = JSON.parse(await kubectl('get', 'clusterrolebinding', `${ns}-${release}-read`, '-o', 'json'));
    assert.deepEqual(crb.subjects, [{ kind: 'ServiceAccount', name: release, namespace: ns }]);
    for (const [namespace, role] of [[TRAINING, 'train'], [MODELS, 'serve']]) {
      const rb = JSON.parse(await kubectl('get', 'rolebinding', `${release}-${role}`, '-n', namespace, '-o', 'json'));
      assert.equal(rb.roleRef.name, `${ns}-${release}-${role}`);
      assert.deepEqual(rb.subjects, [{ kind: 'ServiceAccount', name: release, namespace: ns }]);
    }
    const pdb = JSON.parse(await kubectl('get', 'pdb', release, '-n', ns, '-o', 'json'));
    await eventually('the PDB to count the ready pods', async () => {
      const p = JSON.parse(await kubectl('get', 'pdb', release, '-n', ns, '-o', 'json'));
      return p.status?.currentHealthy === 2 ? p : undefined;
    });
    assert.equal(pdb.spec.minAvailable, 1);
    const svc = JSON.parse(await kubectl('get', 'service', release, '-n', ns, '-o', 'json'));
    assert.equal(svc.spec.ports[0].targetPort, 'http');
  });

  test('the service account can do what the portal needs', async () => {
    const allowed: Array<[string, string, string?, string?]> = [
      ['list', 'pods'],
      ['watch', 'pods'],
      ['get', 'pods', MODELS, 'log'],
      ['get', 'pods', 'kube-system', 'log'],
      ['list', 'events'],
      ['list', 'events.events.k8s.io'],
      ['list', 'deployments.apps'],
      ['list', 'replicasets.apps'],
      ['list', 'statefulsets.apps'],
      ['list', 'jobs.batch'],
      ['list', 'nodes'],
      ['list', 'horizontalpodautoscalers.autoscaling'],
      ['create', 'jobs.batch', TRAINING],
      ['delete', 'jobs.batch', TRAINING],
      ['create', 'deployments.apps', MODELS],
      ['patch', 'deployments.apps', MODELS],
      ['delete', 'deployments.apps', MODELS],
      ['create', 'services', MODELS],
      ['delete', 'services', MODELS],
    ];
    for (const [verb, resource, namespace, sub] of allowed) {
      assert.equal(await canI(verb, resource, namespace, sub), true, `${verb} ${resource}${sub ? `/${sub}` : ''} in ${namespace ?? 'all namespaces'}`);
    }
  });

  test('the service account cannot do anything else (secrets, other namespaces, cluster-admin verbs)', async () => {
    const denied: Array<[string, string, string?, string?]> = [
      ['get', 'secrets', 'kube-system'],
      ['list', 'secrets'],
      ['get', 'secrets', ns],
      ['list', 'secrets', TRAINING],
      ['get', 'configmaps', 'kube-system'],
      ['create', 'jobs.batch', MODELS],
      ['create', 'jobs.batch', 'default'],
      ['create', 'deployments.apps', TRAINING],
      ['create', 'deployments.apps', 'default'],
      ['update', 'deployments.apps', ns],
      ['create', 'services', 'default'],
      ['create', 'pods', TRAINING],
      ['create', 'pods', MODELS, 'exec'],
      ['delete', 'pods', MODELS],
      ['delete', 'nodes'],
      ['create', 'namespaces'],
      ['delete', 'namespaces'],
      ['create', 'clusterrolebindings.rbac.authorization.k8s.io'],
      ['create', 'rolebindings.rbac.authorization.k8s.io', TRAINING],
      ['escalate', 'clusterroles.rbac.authorization.k8s.io'],
      ['bind', 'clusterroles.rbac.authorization.k8s.io'],
      ['impersonate', 'users'],
      ['create', 'serviceaccounts', ns, 'token'],
      ['*', '*'],
    ];
    for (const [verb, resource, namespace, sub] of denied) {
      assert.equal(await canI(verb, resource, namespace, sub), false, `${verb} ${resource}${sub ? `/${sub}` : ''} in ${namespace ?? 'all namespaces'}`);
    }
  });

  test('helm uninstall removes the release and its cluster-wide RBAC', async () => {
    const kc = ['--kubeconfig', requireEnv('KAML_RIG_KUBECONFIG_ADMIN'), '--namespace', ns];
    await helm('uninstall', release, ...kc, '--wait', '--timeout', '90s');
    const left = await kubectl('get', 'clusterroles,clusterrolebindings', '-l', `app.kubernetes.io/instance=${release}`, '-o', 'name');
    assert.equal(left.trim(), '');
    const bindings = await kubectl('get', 'rolebindings', '-n', TRAINING, '-l', `app.kubernetes.io/instance=${release}`, '-o', 'name');
    assert.equal(bindings.trim(), '');
  });
});
