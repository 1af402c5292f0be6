import { Knex } from 'knex';

/**
 * The KAML-D backend's schema, as knex migrations written in TypeScript and served through a
 * custom migration source (so they are bundled with the plugin and need no `migrations/` folder
 * on disk). Append new migrations at the end; never edit one that has shipped.
 */
interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const migrations: Migration[] = [
  {
    name: '20261126000000_versioning',
    async up(knex) {
      // Dataset snapshots. A row is written `pending` before any object is linked or copied and
      // flipped to `complete` in the same transaction that writes its manifest; readers only see
      // complete snapshots, and a pending row left by a killed process is swept at start-up.
      await knex.schema.createTable('kaml_d_dataset_snapshots', table => {
        table.string('id', 64).primary();
        table.string('entity_ref', 512).notNullable().index();
        table.string('state', 16).notNullable().defaultTo('pending');
        table.string('reason', 32).notNullable().defaultTo('manual');
        table.timestamp('created_at', { useTz: true }).notNullable();
        table.string('created_by', 512).notNullable();
        table.text('message').notNullable();
        table.string('method', 32).notNullable();
        table.string('adapter', 64).notNullable();
        table.string('bucket', 255).notNullable();
        table.string('prefix', 1024).notNullable();
        table.integer('object_count').notNullable().defaultTo(0);
        table.bigInteger('total_bytes').notNullable().defaultTo(0);
        table.string('digest', 80).notNullable().defaultTo('');
      });
      await knex.schema.createTable('kaml_d_snapshot_objects', table => {
        table
          .string('snapshot_id', 64)
          .notNullable()
          .references('id')
          .inTable('kaml_d_dataset_snapshots')
          .onDelete('CASCADE');
        table.string('path', 1024).notNullable();
        table.bigInteger('size').notNullable();
        table.string('etag', 255).nullable();
        table.string('version_id', 255).nullable();
        table.string('stored_key', 1024).nullable();
        table.primary(['snapshot_id', 'path']);
      });

      // Model versions, the dataset snapshots each was trained on, and aliases.
      await knex.schema.createTable('kaml_d_model_versions', table => {
        table.string('entity_ref', 512).notNullable();
        table.integer('version').notNullable();
        table.text('description').nullable();
        table.text('artifact_uri').notNullable();
        table.string('artifact_digest', 80).nullable();
        table.text('metrics').notNullable(); // JSON object
        table.text('parameters').notNullable(); // JSON object
        table.text('run').nullable(); // JSON object
        table.timestamp('created_at', { useTz: true }).notNullable();
        table.string('created_by', 512).notNullable();
        table.primary(['entity_ref', 'version']);
      });
      await knex.schema.createTable('kaml_d_model_version_datasets', table => {
        table.string('entity_ref', 512).notNullable();
        table.integer('version').notNullable();
        table.string('dataset_ref', 512).notNullable().index();
        table.string('snapshot_id', 64).notNullable().index();
        table.primary(['entity_ref', 'version', 'dataset_ref']);
      });
      await knex.schema.createTable('kaml_d_model_aliases', table => {
        table.string('entity_ref', 512).notNullable();
        table.string('alias', 63).notNullable();
        table.integer('version').notNullable();
        table.timestamp('updated_at', { useTz: true }).notNullable();
        table.string('updated_by', 512).notNullable();
        table.primary(['entity_ref', 'alias']);
      });

      // Audit log of every mutation.
      await knex.schema.createTable('kaml_d_audit_log', table => {
        table.increments('id').primary();
        table.timestamp('at', { useTz: true }).notNullable().index();
        table.string('actor', 512).notNullable().index();
        table.string('action', 64).notNullable().index();
        table.string('entity_ref', 512).nullable().index();
        table.string('outcome', 16).notNullable();
        table.text('details').notNullable(); // JSON object
      });
    },
    async down(knex) {
      await knex.schema.dropTable('kaml_d_audit_log');
      await knex.schema.dropTable('kaml_d_model_aliases');
      await knex.schema.dropTable('kaml_d_model_version_datasets');
      await knex.schema.dropTable('kaml_d_model_versions');
      await knex.schema.dropTable('kaml_d_snapshot_objects');
      await knex.schema.dropTable('kaml_d_dataset_snapshots');
    },
  },
  {
    name: '20261126010000_snapshot_restores',
    async up(knex) {
      // Restore journal: a row is `running` from before the first object is copied back until the
      // restore finished; a row left running by a killed process is rolled forward at start-up
      // (re-applying a snapshot is idempotent).
      await knex.schema.createTable('kaml_d_snapshot_restores', table => {
        table.string('id', 64).primary();
        table.string('entity_ref', 512).notNullable().index();
        table.string('snapshot_id', 64).notNullable();
        table.string('safety_snapshot_id', 64).notNullable();
        table.string('state', 16).notNullable().index();
        table.timestamp('started_at', { useTz: true }).notNullable();
        table.string('started_by', 512).notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTable('kaml_d_snapshot_restores');
    },
  },
  {
    name: '20261126020000_access_requests',
    async up(knex) {
      // Requests for access and, once approved, the grants they carry (one row per request; the
      // grant is the approved row until expires_at). `pending_key` is requester|entity while the
      // request is pending and null afterwards: its unique index makes a second pending request
      // of the same user on the same entity fail on every replica, not just in one process.
      await knex.schema.createTable('kaml_d_access_requests', table => {
        table.string('id', 64).primary();
        table.string('entity_ref', 512).notNullable().index();
        table.text('permissions').notNullable(); // JSON array of permission names
        table.text('justification').notNullable();
        table.string('requester', 512).notNullable().index();
        table.text('owners').notNullable(); // JSON array of entity refs
        table.string('status', 16).notNullable().index();
        table.integer('duration_days').notNullable();
        table.string('pending_key', 1100).nullable().unique();
        table.string('decided_by', 512).nullable();
        table.timestamp('decided_at', { useTz: true }).nullable();
        table.text('decision_comment').nullable();
        // pending: the request lapses at this time; approved: the grant ends at this time
        table.timestamp('expires_at', { useTz: true }).notNullable().index();
        table.timestamp('created_at', { useTz: true }).notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTable('kaml_d_access_requests');
    },
  },
  {
    name: '20261204200000_snapshot_blobs',
    async up(knex) {
      // Content-addressed snapshots: the sha256 of each frozen blob's bytes and the time the
      // object had when frozen (restores put it back). Indexed by stored_key so a sweep of
      // unreferenced blobs asks the database once per page of blobs.
      await knex.schema.alterTable('kaml_d_snapshot_objects', table => {
        table.string('sha256', 64).nullable();
        table.timestamp('last_modified', { useTz: true }).nullable();
        table.index(['stored_key'], 'kaml_d_snapshot_objects_stored_key_idx');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('kaml_d_snapshot_objects', table => {
        table.dropIndex(
          ['stored_key'],
          'kaml_d_snapshot_objects_stored_key_idx',
        );
        table.dropColumn('last_modified');
        table.dropColumn('sha256');
      });
    },
  },
  {
    name: '20261205010000_dataset_claims',
    async up(knex) {
      // Who is creating, or created, the dataset of a folder of the upload bucket. An upload or a
      // registration that writes a folder's manifest inserts its row first, before any object is
      // written; the two unique keys make a second claim on the same folder or the same entity
      // name fail on every replica. `creating` rows carry a heartbeat; `created` rows stay as the
      // record of who the name went to; `abandoned` rows keep the name for the owner of files a
      // failed upload could not remove.
      await knex.schema.createTable('kaml_d_dataset_claims', table => {
        table.string('location', 1100).primary();
        table.string('entity_ref', 512).notNullable().unique();
        table.string('owner', 512).notNullable();
        table.string('claimed_by', 512).notNullable();
        table.string('action', 16).notNullable();
        table.string('state', 16).notNullable();
        table.string('token', 64).notNullable();
        table.timestamp('claimed_at', { useTz: true }).notNullable();
        table.timestamp('heartbeat_at', { useTz: true }).notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTable('kaml_d_dataset_claims');
    },
  },
  {
    name: '20261207000000_storage_secrets',
    async up(knex) {
      // The secret that signs download links of local stores (one row per secret name). Earlier
      // versions created this table at run time; a database that has it keeps it.
      if (await knex.schema.hasTable('kaml_d_storage_secrets')) return;
      await knex.schema.createTable('kaml_d_storage_secrets', table => {
        table.string('name').primary();
        table.text('value').notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('kaml_d_storage_secrets');
    },
  },
  {
    name: '20261207120000_snapshot_errors',
    async up(knex) {
      // Why a volume snapshot failed (state `failed`: not readyToUse in time, or its
      // VolumeSnapshot vanished); a take returns at once and settles later, so the reason is kept.
      await knex.schema.alterTable('kaml_d_dataset_snapshots', table => {
        table.text('error').nullable();
      });
    },
    async down(knex) {
      await knex.schema.alterTable('kaml_d_dataset_snapshots', table => {
        table.dropColumn('error');
      });
    },
  },
];

const migrationSource: Knex.MigrationSource<Migration> = {
  async getMigrations() {
    return migrations;
  },
  getMigrationName(migration) {
    return migration.name;
  },
  async getMigration(migration) {
    return { up: migration.up, down: migration.down };
  },
};

/**
 * Brings the plugin database up to date. Safe to call from several replicas at once: knex takes
 * its migration lock.
 */
export async function applyDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({
    migrationSource,
    tableName: 'kaml_d_knex_migrations',
  });
}

/** Names of the migrations, in order (for tests). */
export const migrationNames = migrations.map(m => m.name);
