import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './support/ports.ts';

// The adopter test: a fresh create-app app with KAML-D installed from a registry, started by
// scripts/adopter/run.sh, which passes its URLs.
const appUrl = process.env.ADOPTER_APP_URL;
if (!appUrl || !process.env.ADOPTER_BACKEND_URL) {
  throw new Error(
    'ADOPTER_APP_URL and ADOPTER_BACKEND_URL are not set: run scripts/adopter/run.sh, which starts the app',
  );
}

export default defineConfig({
  testDir: './adopter',
  outputDir: `./test-results/adopter-${Date.now().toString(36)}`,
  timeout: 420_000,
  expect: { timeout: 60_000 },
  workers: 1,
  retries: 0,
  // the JSON report for scripts/test.sh's summary when it asks for one
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME
    ? [['list'], ['json']]
    : [['list']],
  use: {
    baseURL: appUrl,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
});
