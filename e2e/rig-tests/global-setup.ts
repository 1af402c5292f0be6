import pg from 'pg';
import { rigBackendUrl } from '../playwright.rig.config.ts';
import { waitForBackend } from '../support/ports.ts';
import type { RigUser } from './helpers.ts';

/**
 * Drops the plugin databases earlier full-mode runs left in the rig's PostgreSQL (their prefix is
 * kaml_e2e_<run>_; this run's is skipped), then waits for this run's backend.
 */
export default async function globalSetup() {
  const current = process.env.KAML_E2E_RIG_DB_PREFIX!;
  const client = new pg.Client({
    host: process.env.KAML_RIG_PG_HOST,
    port: Number(process.env.KAML_RIG_PG_PORT),
    user: process.env.KAML_RIG_PG_USER,
    password: process.env.KAML_RIG_PG_PASSWORD,
    database: process.env.KAML_RIG_PG_DATABASE,
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "select datname from pg_database where datname like 'kaml\\_e2e\\_%'",
    );
    for (const { datname } of rows) {
      if (datname.startsWith(current)) continue;
      await client.query(
        `drop database if exists ${pg.escapeIdentifier(datname)} with (force)`,
      );
    }
  } finally {
    await client.end();
  }
  // the backend loads the catalog and connects to every rig service: slow on a busy machine
  await waitForBackend(rigBackendUrl, 600_000);
  // the users the tests sign in as come from the rig's directory (catalog.providers.ldapOrg):
  // the first sync reaches the catalog a while after the backend is ready, and a sign-in before
  // that fails ("unable to resolve user identity")
  await waitForDirectoryUsers(rigBackendUrl, RIG_USERS, 600_000);
}

const RIG_USERS: RigUser[] = ['alice', 'bob', 'carol', 'dave'];

async function waitForDirectoryUsers(
  backendUrl: string,
  users: string[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let missing = users;
  while (Date.now() < deadline) {
    try {
      const guest = await fetch(`${backendUrl}/api/auth/guest/refresh`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      const { backstageIdentity } = (await guest.json()) as {
        backstageIdentity: { token: string };
      };
      const found = await Promise.all(
        users.map(async user => {
          const res = await fetch(
            `${backendUrl}/api/catalog/entities/by-name/user/default/${user}`,
            { headers: { Authorization: `Bearer ${backstageIdentity.token}` } },
          );
          return res.ok;
        }),
      );
      missing = users.filter((_, i) => !found[i]);
      if (missing.length === 0) return;
    } catch {
      // the backend restarts when sources change: try again
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `the catalog has no User ${missing.join(', ')} after ${
      timeoutMs / 1000
    } s: is the rig's ldap service up (e2e/rig/rig.sh status) and catalog.providers.ldapOrg syncing?`,
  );
}
