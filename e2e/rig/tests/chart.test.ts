// The Helm chart rendered and linted with each CI values file (no cluster needed beyond helm).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadAllYaml } from '@kubernetes/client-node';
import { chart, envOf, helm, MODELS, one, release, render, TRAINING, valuesFiles } from './chart-harness.ts';

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
    // the training/deploy actions use the Kubernetes plugin's cluster (no token: the pod's
    // service account), with the namespaces the RBAC below grants
    const chartConfig = loadAllYaml(config)[0] as {
      kamlD: { workloadCluster: string; clusters: unknown; kubernetes?: unknown };
      kubernetes: { clusterLocatorMethods: Array<{ clusters: Array<Record<string, unknown>> }> };
    };
    assert.equal(chartConfig.kamlD.workloadCluster, 'in-cluster');
    assert.deepEqual(chartConfig.kamlD.clusters, { 'in-cluster': { trainingNamespace: TRAINING, modelsNamespace: MODELS } });
    assert.equal(chartConfig.kamlD.kubernetes, undefined);
    const [cluster] = chartConfig.kubernetes.clusterLocatorMethods[0].clusters;
    assert.equal(cluster.name, 'in-cluster');
    assert.equal(cluster.serviceAccountToken, undefined);
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

