import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  TEST_BINDINGS_CONFIG,
  TRUSTED_TEST_ANNOTATIONS,
} from '../__testUtils__/bindings';
import { kamlDPlugin } from '../plugin';
import { rigEnv } from './rigEnv';

// Trino's resource groups on the rig (e2e/rig/config/trino/resource-groups.json.in): the portal
// user's queries, from every KAML-D replica together, share group "kaml-d" with
// KAML_RIG_TRINO_READER_MAX_RUNNING running and KAML_RIG_TRINO_READER_MAX_QUEUED queued; the
// admin (seeding) user has a group of its own.

// real servers: Trino answers in seconds, not milliseconds
jest.setTimeout(180_000);

const ALICE = mockCredentials.user.header('user:default/alice');

/**
 * A statement that keeps a slot: it runs until its output buffers are full, then waits for a
 * client that never reads them (until cancelled), using no CPU meanwhile.
 */
const HOLDING_SQL = 'SELECT * FROM tpch.sf1.lineitem';

interface TrinoPage {
  nextUri?: string;
  stats?: { state?: string };
  error?: { errorName?: string; message?: string };
}

/** A query sent straight to Trino's protocol, as another replica (or client) would. */
interface Sent {
  nextUri?: string;
  error?: TrinoPage['error'];
}

interface ActiveQuery {
  state: string;
  group: string;
}

const rigTrino = () => rigEnv('KAML_RIG_TRINO_URL');

function headers(user: string, source: string) {
  return {
    'X-Trino-User': user,
    'X-Trino-Source': source,
    'X-Trino-Catalog': 'tpch',
    'X-Trino-Schema': 'sf1',
  };
}

async function page(
  url: string,
  init: RequestInit & { headers: Record<string, string> },
): Promise<TrinoPage> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as TrinoPage;
}

/**
 * Submits `sql` and polls once, which is when Trino hands the query to its resource group
 * (admitted, queued or refused); the rows are never read.
 */
async function send(user: string, source: string, sql: string): Promise<Sent> {
  const init = { headers: headers(user, source) };
  const first = await page(new URL('/v1/statement', rigTrino()).toString(), {
    ...init,
    method: 'POST',
    body: sql,
  });
  if (first.error || !first.nextUri) return first;
  return page(first.nextUri, init);
}

/** Polls `sent` until Trino refused it or started it (its protocol state left QUEUED). */
async function decision(user: string, source: string, sent: Sent) {
  let current: TrinoPage = sent;
  const deadline = Date.now() + 60_000;
  while (!current.error && current.nextUri && Date.now() < deadline) {
    if (current.stats?.state && current.stats.state !== 'QUEUED') break;
    current = await page(current.nextUri, { headers: headers(user, source) });
  }
  return current;
}

async function cancel(user: string, source: string, sent: Sent) {
  if (!sent.nextUri) return;
  const res = await fetch(sent.nextUri, {
    method: 'DELETE',
    headers: headers(user, source),
  });
  await res.body?.cancel();
}

/** One statement as the admin, read to the end. */
async function asAdmin(sql: string): Promise<unknown[][]> {
  const admin = rigEnv('KAML_RIG_TRINO_ADMIN_USER');
  const init = { headers: headers(admin, 'kaml-d-rig-resource-groups-admin') };
  let current = await page(new URL('/v1/statement', rigTrino()).toString(), {
    ...init,
    method: 'POST',
    body: sql,
  });
  const rows: unknown[][] = [];
  for (;;) {
    if (current.error) throw new Error(`${sql}: ${current.error.message}`);
    rows.push(...((current as { data?: unknown[][] }).data ?? []));
    if (!current.nextUri) return rows;
    current = await page(current.nextUri, init);
  }
}

/** The unfinished queries sent with `source`, as Trino's own query list shows them. */
async function active(source: string): Promise<ActiveQuery[]> {
  const rows = await asAdmin(
    `SELECT state, array_join(resource_group_id, '.') FROM system.runtime.queries WHERE source = '${source}' AND state NOT IN ('FINISHED', 'FAILED')`,
  );
  return rows.map(([state, group]) => ({
    state: String(state),
    group: String(group),
  }));
}

/** Polls Trino's query list until `done` holds for the queries of `source`. */
async function waitFor(
  source: string,
  what: string,
  done: (queries: ActiveQuery[]) => boolean,
): Promise<ActiveQuery[]> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const queries = await active(source);
    if (done(queries)) return queries;
    if (Date.now() > deadline) {
      throw new Error(
        `waited 90 s for ${what}; Trino lists ${JSON.stringify(queries)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/** True once `count` queries were admitted or queued and none is between states any more. */
const settled = (count: number) => (queries: ActiveQuery[]) =>
  queries.length === count &&
  queries.every(q => q.state === 'RUNNING' || q.state === 'QUEUED');

const tally = (queries: ActiveQuery[]) => ({
  running: queries.filter(q => q.state === 'RUNNING').length,
  queued: queries.filter(q => q.state === 'QUEUED').length,
  groups: [...new Set(queries.map(q => q.group))],
});

function dataset(name: string, location: string): Entity {
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: {
      name,
      namespace: 'default',
      annotations: TRUSTED_TEST_ANNOTATIONS,
    },
    spec: {
      owner: 'group:default/data',
      lifecycle: 'production',
      format: 'parquet',
      location,
    },
  };
}

describe('Trino resource groups on the rig: what the portal user runs is bounded across replicas', () => {
  const reader = rigEnv('KAML_RIG_TRINO_USER');
  const admin = rigEnv('KAML_RIG_TRINO_ADMIN_USER');
  const maxRunning = Number(rigEnv('KAML_RIG_TRINO_READER_MAX_RUNNING'));
  const maxQueued = Number(rigEnv('KAML_RIG_TRINO_READER_MAX_QUEUED'));
  // each test's own source, so Trino's query list shows only its queries
  let source = '';
  let sent: Array<{ user: string; sent: Sent }> = [];
  let root: string;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  /** Sends `count` slot-holding queries as `user`, one after the other, kept for cleanup. */
  async function hold(user: string, count: number) {
    for (let i = 0; i < count; i++) {
      const one = await send(user, source, HOLDING_SQL);
      sent.push({ user, sent: one });
      expect(one.error).toBeUndefined();
    }
  }

  /** Fills the reader's group: every running slot and every queue place taken. */
  async function fillReaderGroup() {
    await hold(reader, maxRunning + maxQueued);
    const queries = await waitFor(
      source,
      `${maxRunning + maxQueued} queries of ${reader} admitted or queued`,
      settled(maxRunning + maxQueued),
    );
    expect(tally(queries)).toEqual({
      running: maxRunning,
      queued: maxQueued,
      groups: ['kaml-d'],
    });
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-rig-groups-'));
    ({ server } = await startTestBackend({
      features: [
        kamlDPlugin,
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            kamlD: {
              bindings: TEST_BINDINGS_CONFIG,
              storage: { file: { root: join(root, 'storage') } },
              query: {
                duckdb: { cacheDir: join(root, 'cache') },
                trino: {
                  server: rigTrino(),
                  catalog: rigEnv('KAML_RIG_TRINO_CATALOG'),
                  schema: rigEnv('KAML_RIG_TRINO_SCHEMA'),
                  user: reader,
                },
              },
            },
          },
        }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        catalogServiceMock.factory({
          entities: [dataset('traffic', 'trino://hive/kaml/traffic_counts')],
        }),
      ],
    }));
  }, 60_000);

  beforeEach(() => {
    source = `kaml-d-rig-resource-groups-${process.pid}-${Date.now()}`;
    sent = [];
  });

  afterEach(async () => {
    await Promise.all(sent.map(s => cancel(s.user, source, s.sent)));
    await waitFor(source, 'the held queries to end', q => q.length === 0);
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  const query = (sql: string) =>
    request(server)
      .post('/api/kaml-d/query')
      .set('Authorization', ALICE)
      .send({ sql });

  it('attack: queries of the portal user beyond its group’s running and queued slots are refused by Trino, and KAML-D answers 429 with Retry-After', async () => {
    // other replicas (each within its own kamlD.query.maxConcurrent) together fill the group
    await fillReaderGroup();

    // one more, from any client as the portal user: Trino refuses it outright
    const extra = await decision(
      reader,
      source,
      await send(reader, source, HOLDING_SQL),
    );
    sent.push({ user: reader, sent: extra });
    expect(extra.error).toEqual(
      expect.objectContaining({ errorName: 'QUERY_QUEUE_FULL' }),
    );

    // through this backend: a user error to retry later, not a 500
    const refused = await query('SELECT count(*) FROM traffic');
    expect({
      status: refused.status,
      retryAfter: Number(refused.headers['retry-after']),
      name: refused.body.error?.name,
    }).toEqual({ status: 429, retryAfter: 5, name: 'TooManyRequestsError' });
    expect(refused.body.error.message).toMatch(
      /Trino's resource group for the portal is full .*"kaml-d".*Retry in a few seconds/,
    );
    const preview = await request(server)
      .get('/api/kaml-d/datasets/default/traffic/preview?limit=5')
      .set('Authorization', ALICE);
    expect(preview.status).toBe(503);
    expect(preview.body.error.message).toMatch(/resource group .* is full/);

    // nothing was lost: the group was only full, and the same query runs once slots free up
    await Promise.all(sent.map(s => cancel(s.user, source, s.sent)));
    await waitFor(source, 'the held queries to end', q => q.length === 0);
    const retried = await query('SELECT count(*) FROM traffic');
    expect(retried.status).toBe(200);
    expect(retried.body.rows).toEqual([[5376]]);
  });

  it('the admin user runs more queries than the reader’s group admits, while that group is full', async () => {
    await fillReaderGroup();
    const count = maxRunning + maxQueued + 1;
    await hold(admin, count);
    const all = await waitFor(
      source,
      `${count} admin queries running besides the reader's`,
      queries =>
        queries.filter(q => q.group === 'admin' && q.state === 'RUNNING')
          .length === count,
    );
    // the reader's group is unchanged: still full, still its own
    expect(tally(all.filter(q => q.group !== 'admin'))).toEqual({
      running: maxRunning,
      queued: maxQueued,
      groups: ['kaml-d'],
    });
  });
});
