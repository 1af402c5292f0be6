/**
 * The embedded setup keeps its state in SQLite files under KAML_DATA_DIR: a location registered
 * in the catalog and a user's settings are still there after the backend restarts.
 *
 * Run by scripts/test.sh with Node's test runner.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startBackend, freePort, guestToken, waitFor } from './backend.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');

test('catalog locations and user settings survive a backend restart', { timeout: 300_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kaml-d-persist-'));
  const port = await freePort();
  const base = `http://localhost:${port}`;
  // the entity is registered by URL, as a user registers an existing component
  const entityYaml = [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      '  name: restart-probe',
      'spec:',
      '  type: service',
      '  lifecycle: experimental',
      '  owner: group:default/ml-platform-sre',
      '',
    ].join('\n');
  const files = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/yaml' });
    res.end(entityYaml);
  });
  const filesPort = await freePort();
  await new Promise<void>(r => files.listen(filesPort, '127.0.0.1', () => r()));
  const target = `http://localhost:${filesPort}/restart-probe.yaml`;
  const env = { APP_CONFIG_backend_reading_allow: JSON.stringify([{ host: `localhost:${filesPort}` }]) };

  try {
    let backend = await startBackend({ repoRoot, port, dataDir, env });
    try {
      const token = await guestToken(base);
      const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
      const created = await fetch(`${base}/api/catalog/locations`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ type: 'url', target }),
      });
      assert.equal(created.status, 201, await created.text());
      const saved = await fetch(`${base}/api/user-settings/buckets/kaml-d/keys/favourite-dataset`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ value: 'finance-transactions' }),
      });
      assert.equal(saved.status, 200, await saved.text());
      await waitFor('the registered component in the catalog', 60_000, async () => {
        const r = await fetch(`${base}/api/catalog/entities/by-name/component/default/restart-probe`, { headers });
        return r.status === 200;
      });
    } finally {
      await backend.stop();
    }

    backend = await startBackend({ repoRoot, port, dataDir, env });
    try {
      const token = await guestToken(base);
      const headers = { Authorization: `Bearer ${token}` };
      const entity = await fetch(`${base}/api/catalog/entities/by-name/component/default/restart-probe`, { headers });
      assert.equal(entity.status, 200, 'the component registered before the restart is gone');
      const setting = await fetch(`${base}/api/user-settings/buckets/kaml-d/keys/favourite-dataset`, { headers });
      assert.equal(setting.status, 200, 'the user setting saved before the restart is gone');
      assert.equal((await setting.json()).value, 'finance-transactions');
    } finally {
      await backend.stop();
    }
  } finally {
    files.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
