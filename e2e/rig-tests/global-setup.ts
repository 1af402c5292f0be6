import pg from 'pg';
import { rigBackendUrl } from '../playwright.rig.config.ts';
import { waitForBackend } from '../support/ports.ts';

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
}
