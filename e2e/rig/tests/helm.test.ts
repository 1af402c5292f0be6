// helm built from the Go module proxy: it runs, renders a chart, and (when the rig's cluster is
// up) talks to it with the admin kubeconfig.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireEnv } from './env.ts';

const run = promisify(execFile);
let work = '';
let env: NodeJS.ProcessEnv = {};

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'kaml-rig-helm-'));
  // keep helm's config/cache/data out of the user's home
  env = {
    ...process.env,
    HELM_CONFIG_HOME: join(work, 'config'),
    HELM_CACHE_HOME: join(work, 'cache'),
    HELM_DATA_HOME: join(work, 'data'),
  };
  await writeMiniChart();
});
after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function writeMiniChart(): Promise<void> {
  const chart = join(work, 'mini');
  await mkdir(join(chart, 'templates'), { recursive: true });
  await writeFile(
    join(chart, 'Chart.yaml'),
    'apiVersion: v2\nname: mini\nversion: 0.1.0\nappVersion: "1.0"\ntype: application\n',
  );
  await writeFile(join(chart, 'values.yaml'), 'replicas: 1\nimage: kaml-d/model-server:rig\n');
  await writeFile(
    join(chart, 'templates', 'deployment.yaml'),
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ .Release.Name }}-{{ .Chart.Name }}',
      '  namespace: {{ .Release.Namespace }}',
      'spec:',
      '  replicas: {{ .Values.replicas }}',
      '  selector: { matchLabels: { app: {{ .Release.Name | quote }} } }',
      '  template:',
      '    metadata: { labels: { app: {{ .Release.Name | quote }} } }',
      '    spec:',
      '      containers:',
      '      - name: serve',
      '        image: {{ .Values.image | quote }}',
      '',
    ].join('\n'),
  );
}

async function helm(...args: string[]): Promise<string> {
  const { stdout } = await run(requireEnv('KAML_RIG_HELM'), args, { env, timeout: 150_000, maxBuffer: 8 << 20 });
  return stdout;
}

test('helm version reports the pinned v3 release', async () => {
  const out = await helm('version', '--short');
  assert.match(out.trim(), /^v3\.\d+\.\d+/);
});

test('helm template renders a trivial inline chart with values', async () => {
  const chart = join(work, 'mini');
  const out = await helm('template', 'demo', chart, '--namespace', 'kaml-d-models', '--set', 'replicas=3');
  assert.match(out, /kind: Deployment/);
  assert.match(out, /name: demo-mini/);
  assert.match(out, /namespace: kaml-d-models/);
  assert.match(out, /replicas: 3/);
  assert.match(out, /image: "kaml-d\/model-server:rig"/);
});

test('helm installs the chart into the rig cluster, waits for it, uninstalls (when kube is up)', async t => {
  const kubeconfig = process.env.KAML_RIG_KUBECONFIG_ADMIN;
  if (!kubeconfig) {
    t.skip('kube is not running (start it with e2e/rig/rig.sh start kube helm)');
    return;
  }
  const chart = join(work, 'mini');
  const release = `rig-helm-${process.pid}`;
  const k = ['--kubeconfig', kubeconfig, '--namespace', 'kaml-d-models'];
  try {
    await helm('install', release, chart, ...k, '--set', 'replicas=2', '--wait', '--timeout', '90s');
    const list = JSON.parse(await helm('list', ...k, '--output', 'json')) as Array<{ name: string; status: string }>;
    assert.equal(list.find(r => r.name === release)?.status, 'deployed');
    const status = JSON.parse(await helm('status', release, ...k, '--output', 'json')) as { info: { status: string } };
    assert.equal(status.info.status, 'deployed');
  } finally {
    await helm('uninstall', release, ...k, '--wait', '--timeout', '60s').catch(() => '');
  }
});
