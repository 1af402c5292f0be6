import { defineConfig } from '@playwright/test';
import base from './playwright.config.ts';

/**
 * Takes the README's screenshots (docs/screenshots/*.png) from a portal started like the browser
 * tests start it. Run: `cd e2e && yarn playwright test -c playwright.screenshots.config.ts`.
 */
export default defineConfig({
  ...base,
  testDir: './screenshots',
  use: { ...base.use, viewport: { width: 1280, height: 800 } },
});
