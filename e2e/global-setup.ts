import { backendUrl } from './playwright.config.ts';
import { waitForBackend } from './support/ports.ts';

/** The dev server answers before the backend has loaded the catalog: wait for both. */
export default async function globalSetup() {
  await waitForBackend(backendUrl);
}
