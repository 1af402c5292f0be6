// PostgreSQL through `pg`, the driver Backstage's database manager uses (knex → pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { requireEnv } from './env.ts';

test('pg connects with the portal role, creates a database and round-trips rows', async () => {
  const client = new pg.Client({ connectionString: requireEnv('KAML_RIG_PG_URL') });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string; u: string }>(
      'select version() as v, current_user as u',
    );
    assert.match(rows[0].v, /^PostgreSQL \d+/);
    assert.equal(rows[0].u, requireEnv('KAML_RIG_PG_USER'));

    // Backstage creates one database per plugin: the role must be allowed to.
    const db = `kaml_rig_test_${process.pid}`;
    await client.query(`create database ${db}`);
    const other = new pg.Client({
      host: requireEnv('KAML_RIG_PG_HOST'),
      port: Number(requireEnv('KAML_RIG_PG_PORT')),
      user: requireEnv('KAML_RIG_PG_USER'),
      password: requireEnv('KAML_RIG_PG_PASSWORD'),
      database: db,
    });
    await other.connect();
    try {
      await other.query('create table t (id serial primary key, body jsonb not null)');
      await other.query('insert into t (body) values ($1), ($2)', [{ a: 1 }, { a: 2 }]);
      const res = await other.query<{ total: number }>(
        "select sum((body->>'a')::int)::int as total from t",
      );
      assert.equal(res.rows[0].total, 3);
    } finally {
      await other.end();
    }
    await client.query(`drop database ${db}`);
  } finally {
    await client.end();
  }
});

test('pg rejects a wrong password (scram on TCP)', async () => {
  const client = new pg.Client({
    host: requireEnv('KAML_RIG_PG_HOST'),
    port: Number(requireEnv('KAML_RIG_PG_PORT')),
    user: requireEnv('KAML_RIG_PG_USER'),
    password: 'wrong',
    database: requireEnv('KAML_RIG_PG_DATABASE'),
  });
  await assert.rejects(client.connect(), /password authentication failed/);
  await client.end().catch(() => {});
});
