import { backendUrl } from './playwright.config.ts';

/** The dev server answers before the backend has loaded the catalog: wait for both. */
export default async function globalSetup() {
  const deadline = Date.now() + 180_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${backendUrl}/.backstage/health/v1/readiness`);
      if (res.ok) return;
      last = `status ${res.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`backend at ${backendUrl} not ready after 180 s (${last})`);
}
