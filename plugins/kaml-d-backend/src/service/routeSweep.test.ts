// Route sweep: every route the KAML-D router registers, read from the router object the plugin
// builds (its express stack, with every optional service present), not from a hand list. Each is
// called without a token (401), and as a signed-in user the permission policy denies (403);
// the few routes that need only a signed-in user are listed below with the reason, and the list
// must match what the router does. The signed download route takes its signature as the
// credential: without a valid one it is refused whoever asks.
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Router } from 'express';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Entity } from '@backstage/catalog-model';
import {
  BackstageCredentials,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { startKamlDTestBackend, testDataset } from '../__testUtils__/bindings';
import { SIGNED_DOWNLOAD_PATH } from '../services/Storage/createStorageService';
import { datasetQueryPermission } from '@kaml-d/plugin-kaml-d-common';

// the routers the plugin builds, kept as built (the real createRouter, recorded)
const mockBuilt: Router[] = [];
jest.mock('./router', () => {
  const actual = jest.requireActual('./router');
  return {
    ...actual,
    createRouter: async (...args: unknown[]) => {
      const router = await actual.createRouter(...args);
      mockBuilt.push(router);
      return router;
    },
  };
});

type Route = { method: string; path: string };

/** Every route of an express router, sub-routers mounted at its root included. */
function routesOf(router: Router): Route[] {
  type Layer = {
    route?: { path: string; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
    regexp?: { fast_slash?: boolean };
    name?: string;
  };
  const walk = (stack: Layer[]): Route[] =>
    stack.flatMap(layer => {
      if (layer.route) {
        return Object.keys(layer.route.methods)
          .filter(m => layer.route!.methods[m])
          .map(method => ({ method, path: layer.route!.path }));
      }
      if (layer.handle?.stack) {
        // a sub-router under a path would need its prefix: the sweep cannot call it as it is
        if (!layer.regexp?.fast_slash) {
          throw new Error(
            `a router is mounted under a path (${String(
              layer.regexp,
            )}): teach the sweep its prefix`,
          );
        }
        return walk(layer.handle.stack);
      }
      return [];
    });
  return walk((router as unknown as { stack: Layer[] }).stack);
}

const key = (r: Route) => `${r.method.toUpperCase()} ${r.path}`;

/** Values for path parameters: entities the test catalog holds, so a refusal is not a 404. */
const PARAMS: Record<string, string> = {
  namespace: 'default',
  name: 'sales',
  kind: 'dataset',
  id: 'snap-20261126t070102z-3f9a1c',
  version: '1',
  alias: 'champion',
  pod: 'train-1',
  server: 'gpu',
  // well-formed (the route's length rule) but signed by nobody
  token: 'eyJrZXkiOiJxMS5jc3YifQ.forged-signature',
};

/** Bodies and queries that pass input validation, so the permission check is what answers. */
const INPUT: Record<string, { query?: string; body?: object }> = {
  'POST /query': { body: { sql: 'SELECT count(*) FROM "sales"' } },
  'GET /datasets/:namespace/:name/profile': { query: 'column=amount' },
  'GET /datasets/:namespace/:name/download': { query: 'key=q1.csv' },
  'POST /datasets/register': {
    body: {
      name: 'clicks',
      location: 's3://kaml-datasets/clicks/',
      owner: 'user:default/alice',
    },
  },
  'GET /datasets/:namespace/:name/snapshots/diff': {
    query: 'from=snap-20261126t070102z-3f9a1c&to=snap-20261126t070102z-3f9a1d',
  },
  'POST /datasets/:namespace/:name/snapshots': {
    body: { message: 'before training' },
  },
  'POST /datasets/:namespace/:name/snapshots/:id/restore': { body: {} },
  'POST /models/:namespace/:name/versions': {
    body: { artifactUri: 's3://kaml-models/churn/1/' },
  },
  'GET /models/:namespace/:name/versions/compare': { query: 'versions=1,2' },
  'PUT /models/:namespace/:name/aliases/:alias': { body: { version: 1 } },
  'POST /access-requests': {
    body: {
      entityRef: 'dataset:default/sales',
      permissions: [datasetQueryPermission.name],
      justification: 'training the churn model needs these rows',
      durationDays: 7,
    },
  },
  'POST /access-requests/:id/decision': { body: { decision: 'approve' } },
  'POST /audit/events': { body: { action: 'x' } },
};

/**
 * Routes a signed-in user reaches without any KAML-D permission, and why. Kept minimal; the
 * test proves each answers a denied user with something other than 403 and every other route
 * with 403.
 */
const SIGNED_IN_ONLY: Record<string, string> = {
  'GET /health': 'readiness of the backend, no data in it',
  'GET /storage/summary':
    'totals only (buckets, folder count, objects, bytes) for the Workbench; no names or contents',
  'GET /observation/sre':
    'the overview lists only the entities the caller can read in the catalog',
  'GET /observation/:namespace/:kind/:name':
    'metrics of an entity the caller can read in the catalog (the catalog read permission decides)',
  'GET /models/:namespace/:name/versions':
    'versions of a model the caller can read in the catalog (the catalog read permission decides)',
  'GET /models/:namespace/:name/versions/compare':
    'as the version list: catalog read of the model',
  'GET /models/:namespace/:name/versions/:version':
    'as the version list: catalog read of the model',
  'GET /datasets/:namespace/:name/snapshots/:id/models':
    'lineage of a snapshot to model versions; catalog read of the dataset',
  'GET /runs/:namespace/:name':
    'Runs tab of a model the caller can read in the catalog; answers 503 here (no cluster configured) before any permission',
  'GET /runs/:namespace/:name/pods/:pod/logs':
    'as the Runs tab; answers 503 here (no cluster configured)',
  'GET /runs/:namespace/:name/pods/:pod/past-logs':
    'as the live log; answers 503 here (no log store configured)',
  'GET /access-requests':
    "the caller's own requests (scope=mine) or those they may decide",
  'POST /access-requests':
    'asking for access is what a user without the permission does; deciding is checked',
  'GET /access-requests/:id':
    'a request the caller made or may decide; any other id is a 404 (no 403 to tell it exists)',
  'POST /access-requests/:id/decision':
    'as above; the decision itself checks that the caller may decide',
  'GET /notebooks/servers':
    "the caller's own JupyterHub servers; answers 503 here (no hub listening)",
  'DELETE /notebooks/server':
    "stops the caller's own default server (the hub user is theirs); 503 here (no hub listening)",
  'DELETE /notebooks/servers/:server':
    "stops one of the caller's own named servers; 503 here (no hub listening)",
  'POST /models/:namespace/:name/versions/:version/notebook':
    'the version as the version list (catalog read of the model); the dataset it loads then needs kaml-d.dataset.preview',
};

/**
 * The routes above that a user reaches only for an entity the catalog lets them read: with the
 * catalog hiding it, each answers 404 (the catalog's rule: no 403 that tells the entity exists).
 * The Runs routes are left out here: without a cluster they answer 503 before reading anything.
 */
const CATALOG_READ = [
  'GET /observation/:namespace/:kind/:name',
  'GET /models/:namespace/:name/versions',
  'GET /models/:namespace/:name/versions/compare',
  'GET /models/:namespace/:name/versions/:version',
  'GET /datasets/:namespace/:name/snapshots/:id/models',
  'POST /models/:namespace/:name/versions/:version/notebook',
];

/** The route whose signature is its credential (plugin.ts: unauthenticated auth policy). */
const SIGNED = `GET ${SIGNED_DOWNLOAD_PATH}/:token`;

const ENTITIES: Entity[] = [
  // from a catalog file trusted to bind storage (kamlD.bindings of startKamlDTestBackend)
  testDataset('sales', 'csv'),
  {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Model',
    metadata: { name: 'sales', namespace: 'default' },
    spec: { owner: 'group:default/data' },
  },
];

/**
 * The catalog as the real one behaves when its read permission denies a user: their own reads
 * see no entity; the plugin's service reads still see them all.
 */
function visibleCatalog(entities: Entity[]) {
  const all = catalogServiceMock({ entities });
  const none = catalogServiceMock({ entities: [] });
  const isUser = (c: unknown) =>
    (c as BackstageCredentials<{ type: string }> | undefined)?.principal
      ?.type === 'user';
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () =>
      new Proxy(all, {
        get(target, prop) {
          const value = Reflect.get(target, prop);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            const last = args[args.length - 1] as
              | { credentials?: unknown }
              | undefined;
            const source = isUser(last?.credentials) ? none : all;
            return Reflect.get(source, prop).apply(source, args);
          };
        },
      }),
  });
}

describe('route sweep of the KAML-D backend', () => {
  let root: string;
  let routes: Route[];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-sweep-'));
    await mkdir(join(root, 'storage', 'kaml-datasets', 'sales'), {
      recursive: true,
    });
    await writeFile(
      join(root, 'storage', 'kaml-datasets', 'sales', 'q1.csv'),
      'id,amount\n1,10\n',
    );
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  async function start(
    result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
    options: { hideFromUsers?: boolean } = {},
  ) {
    mockBuilt.length = 0;
    const { server } = await startKamlDTestBackend({
      root,
      // notebooks on (their routes are swept); nothing listens on the hub's port
      kamlD: {
        notebooks: {
          jupyterhub: { url: 'http://127.0.0.1:9', token: 'sweep' },
        },
      },
      catalog: options.hideFromUsers
        ? visibleCatalog(ENTITIES)
        : catalogServiceMock.factory({ entities: ENTITIES }),
      features: [mockServices.permissions.factory({ result })],
    });
    expect(mockBuilt).toHaveLength(1);
    routes = routesOf(mockBuilt[0]);
    return server;
  }

  function call(server: Parameters<typeof request>[0], route: Route) {
    const input = INPUT[key(route)] ?? {};
    const path = route.path.replace(/:(\w+)/g, (_, p: string) =>
      encodeURIComponent(
        p === 'id' && route.path.startsWith('/access-requests')
          ? 'ar-1'
          : PARAMS[p] ?? p,
      ),
    );
    const url = `/api/kaml-d${path}${input.query ? `?${input.query}` : ''}`;
    const method = route.method as 'get' | 'post' | 'put' | 'delete' | 'patch';
    const req = request(server)[method](url);
    return { req, input, url };
  }

  it('finds the routes of every service and can call each one', async () => {
    const server = await start(AuthorizeResult.ALLOW);
    const keys = routes.map(key);
    // a route of each router (the optional ones included) is in the sweep
    expect(keys).toEqual(
      expect.arrayContaining([
        'GET /health',
        'POST /query',
        'POST /datasets/upload',
        'POST /datasets/register',
        'GET /storage/summary',
        SIGNED,
        'GET /runs/:namespace/:name',
        'GET /audit',
        'GET /datasets/:namespace/:name/snapshots',
        'GET /models/:namespace/:name/versions',
        'GET /access-requests',
        'GET /observation/:namespace/:kind/:name',
        'POST /datasets/:namespace/:name/notebook',
        'GET /notebooks/servers',
      ]),
    );
    // every path parameter has a value, every input entry names a real route
    const missing = routes.flatMap(r =>
      [...r.path.matchAll(/:(\w+)/g)]
        .map(m => m[1])
        .filter(p => !(p in PARAMS))
        .map(p => `${key(r)}: :${p}`),
    );
    expect(missing).toEqual([]);
    expect(Object.keys(INPUT).filter(k => !keys.includes(k))).toEqual([]);
    expect(Object.keys(SIGNED_IN_ONLY).filter(k => !keys.includes(k))).toEqual(
      [],
    );
    // with the policy allowing, the same user reads the dataset: a 403 below is the policy's
    const allowed = await request(server)
      .get('/api/kaml-d/datasets/default/sales/preview')
      .set('Authorization', mockCredentials.user.header('user:default/alice'));
    expect(allowed.status).toBe(200);
  });

  it('every route answers 401 without a token', async () => {
    const server = await start(AuthorizeResult.ALLOW);
    const answers: string[] = [];
    for (const route of routes) {
      const { req, input } = call(server, route);
      const res = await (input.body ? req.send(input.body) : req);
      const expected = key(route) === SIGNED ? [401, 403] : [401];
      if (!expected.includes(res.status)) {
        answers.push(`${key(route)} answered ${res.status}`);
      }
    }
    expect(answers).toEqual([]);
  });

  it('every route answers 403 to a signed-in user the policy denies', async () => {
    const server = await start(AuthorizeResult.DENY);
    const answers: string[] = [];
    for (const route of routes) {
      if (key(route) === SIGNED) continue;
      const { req, input } = call(server, route);
      const authed = req.set(
        'Authorization',
        mockCredentials.user.header('user:default/alice'),
      );
      const res = await (input.body ? authed.send(input.body) : authed);
      const open = key(route) in SIGNED_IN_ONLY;
      if (open ? res.status === 403 : res.status !== 403) {
        answers.push(
          `${key(route)} answered ${res.status}: ${JSON.stringify(
            res.body?.error?.message ?? '',
          )}`,
        );
      }
    }
    expect(answers).toEqual([]);
  });

  it('routes that need catalog read answer 404 when the catalog hides the entity from the user', async () => {
    const server = await start(AuthorizeResult.DENY, { hideFromUsers: true });
    const keys = routes.map(key);
    expect(CATALOG_READ.filter(k => !keys.includes(k))).toEqual([]);
    const answers: string[] = [];
    for (const route of routes.filter(r => CATALOG_READ.includes(key(r)))) {
      const { req, input } = call(server, route);
      const authed = req.set(
        'Authorization',
        mockCredentials.user.header('user:default/alice'),
      );
      const res = await (input.body ? authed.send(input.body) : authed);
      answers.push(
        `${key(route)} ${res.status} ${/in the catalog/.test(
          res.body?.error?.message ?? '',
        )}`,
      );
    }
    expect(answers).toEqual(CATALOG_READ.map(k => `${k} 404 true`));
  });

  it('the signed download route refuses a missing, forged or tampered signature, signed in or not', async () => {
    const server = await start(AuthorizeResult.ALLOW);
    for (const token of [
      'e30.e30.e30',
      'a'.repeat(200),
      'eyJrZXkiOiJxMS5jc3YifQ.AAAA',
    ]) {
      for (const auth of [
        undefined,
        mockCredentials.user.header('user:default/alice'),
      ]) {
        const req = request(server).get(
          `/api/kaml-d${SIGNED_DOWNLOAD_PATH}/${encodeURIComponent(token)}`,
        );
        const res = await (auth ? req.set('Authorization', auth) : req);
        expect({
          token,
          auth: !!auth,
          refused: [401, 403].includes(res.status),
        }).toEqual({ token, auth: !!auth, refused: true });
      }
    }
  });
});
