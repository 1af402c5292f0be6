/**
 * Without Elasticsearch configured, a portal whose database is PostgreSQL searches with the
 * PostgreSQL engine (documents indexed in the search plugin's database), not Lunr.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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

before(async () => {
  const port = await freePort();
  base = `http://localhost:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'kaml-d-pgsearch-'));
  backend = await startBackend({
    repoRoot,
    port,
    dataDir,
    env: {
      // app-config.yaml (embedded defaults) with only the database moved to PostgreSQL
      APP_CONFIG_backend_database: JSON.stringify({
        client: 'pg',
        pluginDivisionMode: 'schema',
        connection: {
          host: requireEnv('KAML_RIG_PG_HOST'),
          port: Number(requireEnv('KAML_RIG_PG_PORT')),
          user: requireEnv('KAML_RIG_PG_USER'),
          password: requireEnv('KAML_RIG_PG_PASSWORD'),
          database: requireEnv('KAML_RIG_PG_DATABASE'),
        },
      }),
    },
  });
});

after(async () => {
  await backend?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  // leave the shared database as it was: drop the schemas this backend created
  const client = new pg.Client({
    host: requireEnv('KAML_RIG_PG_HOST'),
    port: Number(requireEnv('KAML_RIG_PG_PORT')),
    user: requireEnv('KAML_RIG_PG_USER'),
    password: requireEnv('KAML_RIG_PG_PASSWORD'),
    database: requireEnv('KAML_RIG_PG_DATABASE'),
  });
  await client.connect();
  try {
    const schemas = await client.query(
      "select schema_name from information_schema.schemata where schema_name in ('search','catalog','auth','kaml-d','scaffolder','permission','app','kubernetes','notifications','signals','user-settings','proxy','search-kaml-d')",
    );
    for (const row of schemas.rows) {
      await client.query(`drop schema "${String(row.schema_name).replaceAll('"', '""')}" cascade`);
    }
  } finally {
    await client.end();
  }
});

test('search answers from the PostgreSQL engine', async () => {
  const token = await guestToken(base);
  const headers = { Authorization: `Bearer ${token}` };
  await waitFor('the catalog indexed by the PostgreSQL search engine', 180_000, async () => {
    const res = await fetch(`${base}/api/search/query?term=data-science`, { headers });
    if (res.status !== 200) return false;
    const body = (await res.json()) as { results: unknown[] };
    return body.results.length > 0;
  });
  const client = new pg.Client({
    host: requireEnv('KAML_RIG_PG_HOST'),
    port: Number(requireEnv('KAML_RIG_PG_PORT')),
    user: requireEnv('KAML_RIG_PG_USER'),
    password: requireEnv('KAML_RIG_PG_PASSWORD'),
    database: requireEnv('KAML_RIG_PG_DATABASE'),
  });
  await client.connect();
  try {
    const rows = await client.query('select count(*)::int as n from search.documents');
    assert.ok(rows.rows[0].n > 0, 'no documents in the PostgreSQL search index');
  } finally {
    await client.end();
  }
});
