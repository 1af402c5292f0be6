/**
 * The portal's full mode against the rig: the backend started with app-config.yaml +
 * app-config.rig.yaml keeps its state in PostgreSQL, searches through Elasticsearch, offers the
 * rig's OpenID provider, and reaches the rig's Kubernetes cluster with the portal's
 * least-privilege service account.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { freePort, guestToken, startBackend, waitFor } from '../../portal/backend.ts';
import type { RunningBackend } from '../../portal/backend.ts';
import { requireEnv } from './env.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
let backend: RunningBackend | undefined;
let base = '';
let dataDir = '';

function portalToken(): string {
  const kubeconfig = readFileSync(requireEnv('KAML_RIG_KUBECONFIG_PORTAL'), 'utf8');
  const token = /^\s*token:\s*(\S+)/m.exec(kubeconfig)?.[1];
  if (!token) throw new Error('no token in the portal kubeconfig');
  return token;
}

before(async () => {
  const port = await freePort();
  base = `http://localhost:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'kaml-d-full-'));
  backend = await startBackend({
    repoRoot,
    port,
    dataDir,
    args: ['--config', join(repoRoot, 'app-config.yaml'), '--config', join(repoRoot, 'app-config.rig.yaml')],
    env: { KAML_RIG_KUBE_PORTAL_TOKEN: portalToken() },
  });
});

after(async () => {
  await backend?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function authed(path: string): Promise<Response> {
  const token = await guestToken(base);
  return fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

test('the backend reports PostgreSQL as its database', async () => {
  const res = await authed('/api/kaml-d/health');
  const body = (await res.json()) as { dependencies: Array<{ name: string; kind?: string; status: string }> };
  const database = body.dependencies.find(d => d.name === 'database');
  assert.deepEqual({ kind: database?.kind, status: database?.status }, { kind: 'pg', status: 'up' });
});

test('the catalog is stored in PostgreSQL', async () => {
  await waitFor('the example catalog', 120_000, async () => {
    const res = await authed('/api/catalog/entities/by-name/group/default/data-science');
    return res.status === 200;
  });
  const client = new pg.Client({
    host: requireEnv('KAML_RIG_PG_HOST'),
    port: Number(requireEnv('KAML_RIG_PG_PORT')),
    user: requireEnv('KAML_RIG_PG_USER'),
    password: requireEnv('KAML_RIG_PG_PASSWORD'),
    database: 'backstage_plugin_catalog',
  });
  await client.connect();
  try {
    const rows = await client.query(
      "select count(*)::int as n from final_entities where entity_ref = 'group:default/data-science'",
    );
    assert.equal(rows.rows[0].n, 1);
  } finally {
    await client.end();
  }
});

test('search answers from Elasticsearch', async () => {
  await waitFor('the catalog collated into Elasticsearch', 180_000, async () => {
    const res = await fetch(`${requireEnv('KAML_RIG_ES_URL')}/_cat/indices?format=json`);
    const indices = (await res.json()) as Array<{ index: string; 'docs.count': string }>;
    return indices.some(i => i.index.includes('software-catalog') && Number(i['docs.count']) > 0);
  });
  const res = await authed('/api/search/query?term=data-science');
  assert.equal(res.status, 200);
  const body = (await res.json()) as { results: Array<{ document: { title: string } }> };
  assert.ok(body.results.length > 0, 'no search results from Elasticsearch');
});

test('sign-in goes to the rig OpenID provider', async () => {
  const res = await fetch(`${base}/api/auth/oidc/start?env=development&scope=openid`, { redirect: 'manual' });
  assert.equal(res.status, 302);
  const location = res.headers.get('location') ?? '';
  assert.ok(location.startsWith(requireEnv('KAML_RIG_OIDC_ISSUER')), `redirects to ${location}`);
});

test('the Kubernetes plugin reaches the rig cluster', async () => {
  const res = await authed('/api/kubernetes/clusters');
  assert.equal(res.status, 200);
  const body = (await res.json()) as { items: Array<{ name: string }> };
  assert.deepEqual(body.items.map(c => c.name), ['rig']);
});
