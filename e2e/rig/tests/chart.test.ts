// charts/kaml-d against the rig: helm lint, helm template for several values files, a
// server-side dry-run of every rendered manifest on the rig's kube-apiserver, a real install
// (the pods run on kwok nodes, so they become Ready without an image), and `kubectl auth can-i`
// proving the chart's service account can do what the portal needs and nothing more.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadAllYaml } from '@kubernetes/client-node';
import { eventually, requireEnv } from './env.ts';

const run = promisify(execFile);
const chart = resolve(import.meta.dirname, '..', '..', '..', 'charts', 'kaml-d');
const valuesFiles: Record<string, string[]> = {
  defaults: [],
  'ingress+hpa': ['-f', join(chart, 'ci', 'ingress-hpa-values.yaml')],
  'external secrets': ['-f', join(chart, 'ci', 'external-secrets-values.yaml')],
};
const TRAINING = 'kaml-d-training';
const MODELS = 'kaml-d-models';
const suffix = `${process.pid.toString(36)}${Date.now().toString(36)}`.slice(-10);
const ns = `kaml-d-chart-${suffix}`;
const release = `kaml-d-${suffix}`;
const sa = `system:serviceaccount:${ns}:${release}`;

let work = '';
let helmEnv: NodeJS.ProcessEnv = {};
/** Namespaces this file created (deleted at the end). */
const createdNamespaces: string[] = [];

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: any;
};

async function helm(...args: string[]): Promise<string> {
  const { stdout } = await run(requireEnv('KAML_RIG_HELM'), args, {
    env: helmEnv,
    timeout: 200_000,
    maxBuffer: 16 << 20,
  });
  return stdout;
}

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(
    requireEnv('KAML_RIG_KUBECTL'),
    ['--kubeconfig', requireEnv('KAML_RIG_KUBECONFIG_ADMIN'), ...args],
    { timeout: 120_000, maxBuffer: 16 << 20 },
  );
  return stdout;
}

async function render(name: string, namespace: string, ...extra: string[]): Promise<K8sObject[]> {
  const out = await helm('template', release, chart, '--namespace', namespace, ...valuesFiles[name], ...extra);
  // plain objects (loadAllYaml returns the client's model classes)
  return (JSON.parse(JSON.stringify(loadAllYaml(out))) as Array<K8sObject | null>).filter((o): o is K8sObject => !!o);
}

function one(objects: K8sObject[], kind: string, nameSuffix = ''): K8sObject {
  const found = objects.filter(o => o.kind === kind && o.metadata.name.endsWith(nameSuffix));
  assert.equal(found.length, 1, `one ${kind}${nameSuffix ? ` named *${nameSuffix}` : ''}, found ${found.length}`);
  return found[0];
}

function envOf(deployment: K8sObject): Map<string, any> {
  const container = deployment.spec.template.spec.containers[0];
  return new Map(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

/** `kubectl auth can-i` as the chart's service account: true for yes, false for no. */
async function canI(verb: string, resource: string, namespace?: string, subresource?: string): Promise<boolean> {
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

async function ensureNamespace(name: string): Promise<void> {
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

describe('helm lint and template', () => {
  for (const name of Object.keys(valuesFiles)) {
    test(`helm lint --strict passes with ${name} values`, async () => {
      const out = await helm('lint', chart, '--strict', ...valuesFiles[name]);
      assert.match(out, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
  }

  test('the values schema rejects unsafe or incomplete values', async () => {
    const bad: Array<[string, string[], RegExp]> = [
      ['a writable root filesystem', ['--set', 'securityContext.readOnlyRootFilesystem=false'], /readOnlyRootFilesystem/],
      ['root', ['--set', 'podSecurityContext.runAsNonRoot=false'], /runAsNonRoot/],
      ['an empty PostgreSQL secret name', ['--set', 'postgresql.existingSecret='], /existingSecret/],
      ['an unknown storage adapter', ['--set', 'storage.adapter=ftp'], /adapter/],
      ['a misspelt value', ['--set', 'replicas=3'], /replicas/],
      ['a bad namespace name', ['--set', 'rbac.trainingNamespaces[0]=Bad_NS'], /trainingNamespaces/],
      ['Trino on without a catalog', ['--set', 'trino.enabled=true', '--set', 'trino.catalog='], /catalog/],
      ['a Trino group memory limit over 100 %', ['--set', 'trino.resourceGroups.portal.softMemoryLimit=120%'], /softMemoryLimit/],
      ['a portal Trino group without running slots', ['--set', 'trino.resourceGroups.portal.hardConcurrencyLimit=0'], /hardConcurrencyLimit/],
    ];
    for (const [what, args, message] of bad) {
      await assert.rejects(helm('template', release, chart, ...args), message, `accepted ${what}`);
    }
  });

  test('defaults: Deployment on the health endpoints, non-root read-only, secrets by reference', async () => {
    const objects = await render('defaults', 'kaml-d-system');
    const kinds = objects.map(o => o.kind).sort();
    assert.deepEqual(
      [...new Set(kinds)],
      ['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'PodDisruptionBudget', 'RoleBinding', 'Service', 'ServiceAccount'],
    );
    assert.ok(!kinds.includes('Secret'), 'the chart must not carry credentials');
    const deployment = one(objects, 'Deployment');
    assert.equal(deployment.spec.replicas, 2);
    const pod = deployment.spec.template.spec;
    const c = pod.containers[0];
    assert.equal(c.livenessProbe.httpGet.path, '/.backstage/health/v1/liveness');
    assert.equal(c.readinessProbe.httpGet.path, '/.backstage/health/v1/readiness');
    assert.equal(c.startupProbe.httpGet.path, '/.backstage/health/v1/liveness');
    assert.equal(c.ports[0].containerPort, 7007);
    assert.deepEqual(c.args.filter((a: string) => a !== '--config'), [
      'app-config.yaml',
      'app-config.production.yaml',
      '/etc/kaml-d/app-config.chart.yaml',
      '/etc/kaml-d/app-config.values.yaml',
    ]);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
    assert.ok(pod.volumes.find((v: any) => v.name === 'tmp').emptyDir);
    assert.ok(c.volumeMounts.find((m: any) => m.mountPath === '/tmp'));
    const env = envOf(deployment);
    for (const [name, secret, key] of [
      ['BACKEND_SECRET', 'kaml-d-credentials', 'backend-secret'],
      ['AUTH_SESSION_SECRET', 'kaml-d-credentials', 'auth-session-secret'],
      ['POSTGRES_PASSWORD', 'kaml-d-credentials', 'postgres-password'],
      ['OIDC_CLIENT_ID', 'kaml-d-credentials', 'oidc-client-id'],
      ['OIDC_CLIENT_SECRET', 'kaml-d-credentials', 'oidc-client-secret'],
      ['S3_ACCESS_KEY_ID', 'kaml-d-credentials', 's3-access-key-id'],
      ['S3_SECRET_ACCESS_KEY', 'kaml-d-credentials', 's3-secret-access-key'],
    ]) {
      assert.deepEqual(env.get(name), { secretKeyRef: { name: secret, key } }, name);
    }
    assert.equal(env.get('NODE_ENV'), 'production');
    assert.ok(!env.has('TRINO_PASSWORD') && !env.has('ELASTICSEARCH_PASSWORD'));
    const config = one(objects, 'ConfigMap').data['app-config.chart.yaml'] as string;
    assert.match(config, /url: https:\/\/kubernetes\.default\.svc/);
    assert.match(config, /accessKeyId: \$\{S3_ACCESS_KEY_ID\}/);
    // the training/deploy actions use the pod's service account; the production file's
    // `cluster` way is unset so exactly one way remains
    const chartConfig = loadAllYaml(config)[0] as { kamlD: { kubernetes: unknown } };
    assert.deepEqual(chartConfig.kamlD.kubernetes, { inCluster: true, cluster: null, trainingNamespace: TRAINING, modelsNamespace: MODELS });
    // RBAC: cluster-wide read, writes only in the two namespaces
    const bindings = objects.filter(o => o.kind === 'RoleBinding').map(o => `${o.metadata.namespace}/${o.roleRef.name}`);
    assert.deepEqual(bindings.sort(), [`${MODELS}/kaml-d-system-${release}-serve`, `${TRAINING}/kaml-d-system-${release}-train`]);
    const read = one(objects, 'ClusterRole', '-read');
    for (const rule of read.rules) assert.ok(rule.verbs.every((v: string) => ['get', 'list', 'watch'].includes(v)));
    assert.ok(!JSON.stringify(read.rules).includes('secrets'));
  });

  test('ingress+hpa: Ingress on the baseUrl host with TLS, HPA instead of fixed replicas', async () => {
    const objects = await render('ingress+hpa', 'kaml-d-system');
    const ingress = one(objects, 'Ingress');
    assert.equal(ingress.spec.rules[0].host, 'portal.kaml-d.test');
    assert.equal(ingress.spec.ingressClassName, 'nginx');
    assert.deepEqual(ingress.spec.tls, [{ hosts: ['portal.kaml-d.test'], secretName: 'kaml-d-tls' }]);
    const hpa = one(objects, 'HorizontalPodAutoscaler');
    assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [2, 6]);
    assert.equal(hpa.spec.metrics.length, 2);
    assert.equal(one(objects, 'Deployment').spec.replicas, undefined);
    assert.equal(one(objects, 'PodDisruptionBudget').spec.maxUnavailable, 1);
  });

  test('external secrets: every credential from its own Secret, Trino and search auth on, namespaced read', async () => {
    const objects = await render('external secrets', 'kaml-d-system');
    const env = envOf(one(objects, 'Deployment'));
    for (const [name, secret, key] of [
      ['BACKEND_SECRET', 'kaml-d-backend-keys', 'signing-key'],
      ['AUTH_SESSION_SECRET', 'kaml-d-backend-keys', 'cookie-key'],
      ['POSTGRES_PASSWORD', 'kaml-d-postgres', 'password'],
      ['OIDC_CLIENT_ID', 'kaml-d-oidc', 'client-id'],
      ['OIDC_CLIENT_SECRET', 'kaml-d-oidc', 'client-secret'],
      ['S3_ACCESS_KEY_ID', 'kaml-d-s3', 'AWS_ACCESS_KEY_ID'],
      ['S3_SECRET_ACCESS_KEY', 'kaml-d-s3', 'AWS_SECRET_ACCESS_KEY'],
      ['TRINO_PASSWORD', 'kaml-d-trino', 'password'],
      ['ELASTICSEARCH_USERNAME', 'kaml-d-search', 'username'],
      ['ELASTICSEARCH_PASSWORD', 'kaml-d-search', 'password'],
    ]) {
      assert.deepEqual(env.get(name), { secretKeyRef: { name: secret, key } }, name);
    }
    assert.equal(env.get('POSTGRES_PORT'), '6432');
    const config = one(objects, 'ConfigMap').data['app-config.chart.yaml'] as string;
    assert.match(config, /password: \$\{TRINO_PASSWORD\}/);
    assert.match(config, /password: \$\{ELASTICSEARCH_PASSWORD\}/);
    assert.ok(!objects.some(o => o.kind === 'ClusterRoleBinding'), 'namespaced read needs no ClusterRoleBinding');
    const read = objects.filter(o => o.kind === 'RoleBinding' && o.metadata.name.endsWith('-read')).map(o => o.metadata.namespace);
    assert.deepEqual(read.sort(), ['kaml-d-models', 'kaml-d-system', 'kaml-d-training', 'team-a']);
    const train = objects.filter(o => o.kind === 'RoleBinding' && o.metadata.name.endsWith('-train')).map(o => o.metadata.namespace);
    assert.deepEqual(train.sort(), ['kaml-d-training', 'team-a']);
  });

  // The rig's Trino loads config/trino/resource-groups.json.in, and trinoResourceGroups.rig.test.ts
  // proves there that the portal user's group refuses what passes its slots: with the rig's
  // users and limits, the chart renders exactly that file.
  test('Trino resource groups: the chart renders the groups the rig proves on a real Trino', async () => {
    const rig = { reader: 'kaml-d-reader', admin: 'kaml-seed', running: 2, queued: 2, memory: '50%' };
    const off = await render('defaults', 'kaml-d-system', '--set', 'trino.enabled=true');
    assert.ok(!off.some(o => o.metadata.name.endsWith('-trino-resource-groups')), 'resource groups are opt-in');
    const values = {
      'trino.enabled': 'true',
      'trino.resourceGroups.enabled': 'true',
      'trino.user': rig.reader,
      'trino.accessControl.adminUsers[0]': rig.admin,
      'trino.resourceGroups.portal.hardConcurrencyLimit': String(rig.running),
      'trino.resourceGroups.portal.maxQueued': String(rig.queued),
      'trino.resourceGroups.admins.hardConcurrencyLimit': '20',
      'trino.resourceGroups.admins.maxQueued': '100',
      'trino.resourceGroups.others.hardConcurrencyLimit': '2',
      'trino.resourceGroups.others.maxQueued': '10',
    };
    const memory = { portal: rig.memory, admins: '100%', others: '25%' };
    const objects = await render(
      'defaults',
      'kaml-d-system',
      ...Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
      ...Object.entries(memory).flatMap(([g, v]) => ['--set-string', `trino.resourceGroups.${g}.softMemoryLimit=${v}`]),
    );
    const rendered = JSON.parse(one(objects, 'ConfigMap', '-trino-resource-groups').data['resource-groups.json']);
    const template = await readFile(resolve(import.meta.dirname, '..', 'config', 'trino', 'resource-groups.json.in'), 'utf8');
    const expected = JSON.parse(
      template
        .replaceAll('@READER_USER@', rig.reader)
        .replaceAll('@ADMIN_USER@', rig.admin)
        .replaceAll('@READER_RUNNING@', String(rig.running))
        .replaceAll('@READER_QUEUED@', String(rig.queued))
        .replaceAll('@READER_MEMORY@', rig.memory),
    );
    const byName = (groups: Array<{ name: string }>) => [...groups].sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(byName(rendered.rootGroups), byName(expected.rootGroups));
    // selectors are tried in order: the same order as the rig's
    assert.deepEqual(rendered.selectors, expected.selectors);
  });
});

describe('on the rig cluster', () => {
  before(async () => {
    requireEnv('KAML_RIG_KUBECONFIG_ADMIN');
    await ensureNamespace(ns);
    await ensureNamespace('team-a'); // readNamespaces/trainingNamespaces of the external-secrets values
  });

  for (const name of Object.keys(valuesFiles)) {
    test(`server-side dry-run accepts every manifest rendered with ${name} values`, async () => {
      const objects = await render(name, ns);
      const file = join(work, `${name.replace(/\W+/g, '-')}.yaml`);
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
