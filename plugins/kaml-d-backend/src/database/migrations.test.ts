import { TestDatabases } from '@backstage/backend-test-utils';
import { applyDatabaseMigrations, migrationNames } from './migrations';

jest.setTimeout(60_000);

describe('applyDatabaseMigrations', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'creates the versioning and audit tables and is idempotent, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      await applyDatabaseMigrations(knex);
      for (const table of [
        'kaml_d_dataset_snapshots',
        'kaml_d_snapshot_objects',
        'kaml_d_model_versions',
        'kaml_d_model_version_datasets',
        'kaml_d_model_aliases',
        'kaml_d_audit_log',
        'kaml_d_access_requests',
        'kaml_d_dataset_claims',
      ]) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      const applied = await knex('kaml_d_knex_migrations').select('name');
      expect(applied.map(r => r.name)).toEqual(migrationNames);
    },
  );
});
