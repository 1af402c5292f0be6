import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromiumLaunchOptions, pickFreePorts } from './support/ports.ts';

const repoRoot = resolve(import.meta.dirname, '..');

if (!process.env.KAML_E2E_APP_PORT) {
  const [app, backend] = pickFreePorts(2);
  process.env.KAML_E2E_APP_PORT = String(app);
  process.env.KAML_E2E_BACKEND_PORT = String(backend);
  process.env.KAML_E2E_DATA_DIR = mkdtempSync(join(tmpdir(), 'kaml-d-e2e-'));
  process.env.KAML_E2E_RUN = Date.now().toString(36);
}

export const appUrl = `http://localhost:${process.env.KAML_E2E_APP_PORT}`;
export const backendUrl = `http://localhost:${process.env.KAML_E2E_BACKEND_PORT}`;

export default defineConfig({
  testDir: './tests',
  // failure screenshots and traces, one folder per run (Playwright empties its output folder when
  // a run starts, and runs may overlap); git-ignored
  outputDir: `./test-results/${process.env.KAML_E2E_RUN}`,
  timeout: 90_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  globalSetup: './global-setup.ts',
  use: {
    baseURL: appUrl,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
  webServer: {
    // app-config.yaml plus one deliberately broken Dataset file (e2e/app-config.e2e.yaml)
    command: `bash scripts/start.sh --no-install --config ${join(
      repoRoot,
      'app-config.yaml',
    )} --config ${join(repoRoot, 'e2e', 'app-config.e2e.yaml')}`,
    cwd: repoRoot,
    url: appUrl,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      KAML_APP_PORT: process.env.KAML_E2E_APP_PORT!,
      KAML_BACKEND_PORT: process.env.KAML_E2E_BACKEND_PORT!,
      KAML_DATA_DIR: process.env.KAML_E2E_DATA_DIR!,
      BROWSER: 'none',
    },
  },
});
