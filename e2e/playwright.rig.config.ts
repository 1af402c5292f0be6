import { defineConfig } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromiumLaunchOptions, pickFreePorts } from './support/ports.ts';

/**
 * Browser tests of the full mode: the portal started with app-config.yaml + app-config.rig.yaml
 * against the running real-server rig (PostgreSQL, MinIO, Trino, Elasticsearch, Prometheus,
 * Kubernetes, the OpenID provider), signing in as the rig's catalog users.
 *
 *   e2e/rig/rig.sh start
 *   cd e2e && yarn playwright test -c playwright.rig.config.ts [rig-tests/<file>.spec.ts]
 *
 * Each run keeps its plugin databases under its own PostgreSQL prefix (kaml_e2e_<run>_), so runs
 * never see each other's state; the previous runs' databases are dropped by the global setup.
 */
const repoRoot = resolve(import.meta.dirname, '..');

/** The KAML_RIG_* variables the rig wrote (`export NAME='value'` lines, sh-compatible). */
function readRigEnv(): Record<string, string> {
  const file = join(
    process.env.KAML_RIG_STATE ?? join(import.meta.dirname, '.rig'),
    'rig.env',
  );
  if (!existsSync(file)) {
    throw new Error(
      `no rig environment at ${file}: start the rig first with e2e/rig/rig.sh start`,
    );
  }
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^export ([A-Z0-9_]+)='((?:[^']|'\\'')*)'$/.exec(line.trim());
    if (m) env[m[1]] = m[2].replaceAll("'\\''", "'");
  }
  return env;
}

if (!process.env.KAML_E2E_RIG_APP_PORT) {
  const [app, backend] = pickFreePorts(2);
  process.env.KAML_E2E_RIG_APP_PORT = String(app);
  process.env.KAML_E2E_RIG_BACKEND_PORT = String(backend);
  process.env.KAML_E2E_RIG_DATA_DIR = mkdtempSync(
    join(tmpdir(), 'kaml-d-e2e-rig-'),
  );
  process.env.KAML_E2E_RIG_RUN = Date.now().toString(36);
  process.env.KAML_E2E_RIG_DB_PREFIX = `kaml_e2e_${process.env.KAML_E2E_RIG_RUN}_`;
  Object.assign(process.env, readRigEnv());
}

export const rigAppUrl = `http://localhost:${process.env.KAML_E2E_RIG_APP_PORT}`;
export const rigBackendUrl = `http://localhost:${process.env.KAML_E2E_RIG_BACKEND_PORT}`;

export default defineConfig({
  testDir: './rig-tests',
  // one folder per run (Playwright empties its output folder when a run starts, and runs may
  // overlap); git-ignored
  outputDir: `./test-results-rig/${process.env.KAML_E2E_RIG_RUN}`,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  globalSetup: './rig-tests/global-setup.ts',
  use: {
    baseURL: rigAppUrl,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1280, height: 800 },
    launchOptions: chromiumLaunchOptions,
  },
  webServer: {
    command: `bash scripts/start.sh --no-install --config ${join(
      repoRoot,
      'app-config.yaml',
    )} --config ${join(repoRoot, 'app-config.rig.yaml')}`,
    cwd: repoRoot,
    url: rigAppUrl,
    // the dev bundle builds first: allow for a busy machine
    timeout: 900_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      ...(process.env as Record<string, string>),
      KAML_APP_PORT: process.env.KAML_E2E_RIG_APP_PORT!,
      KAML_BACKEND_PORT: process.env.KAML_E2E_RIG_BACKEND_PORT!,
      KAML_DATA_DIR: process.env.KAML_E2E_RIG_DATA_DIR!,
      APP_CONFIG_backend_database_prefix: process.env.KAML_E2E_RIG_DB_PREFIX!,
      BROWSER: 'none',
    },
  },
});
