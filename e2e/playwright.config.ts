import { defineConfig } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '..');

/** Two free loopback ports, asked of the kernel once per run (workers inherit the env). */
function pickFreePorts(count: number): number[] {
  const script = `
    const net = require('node:net');
    const servers = [];
    let open = ${count};
    const ports = [];
    for (let i = 0; i < ${count}; i++) {
      const s = net.createServer();
      servers.push(s);
      s.listen(0, '127.0.0.1', () => {
        ports.push(s.address().port);
        if (--open === 0) { servers.forEach(x => x.close()); console.log(ports.join(' ')); }
      });
    }`;
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })
    .trim()
    .split(' ')
    .map(Number);
}

if (!process.env.KAML_E2E_APP_PORT) {
  const [app, backend] = pickFreePorts(2);
  process.env.KAML_E2E_APP_PORT = String(app);
  process.env.KAML_E2E_BACKEND_PORT = String(backend);
  process.env.KAML_E2E_DATA_DIR = mkdtempSync(join(tmpdir(), 'kaml-d-e2e-'));
}

export const appUrl = `http://localhost:${process.env.KAML_E2E_APP_PORT}`;
export const backendUrl = `http://localhost:${process.env.KAML_E2E_BACKEND_PORT}`;

export default defineConfig({
  testDir: './tests',
  // failure screenshots and traces; git-ignored
  outputDir: './test-results',
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
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: 'bash scripts/start.sh --no-install',
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
