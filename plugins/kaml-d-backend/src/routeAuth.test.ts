import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { kamlDPlugin } from './plugin';
import { SIGNED_DOWNLOAD_PATH } from './services/Storage';

/*
 * Route-enumeration auth test: every route the plugin registers is found by walking the
 * Express router, then called without a token (must be 401) and as a user the permission
 * framework denies everything (must be 403 naming a `kaml-d.` permission). A route added
 * without auth, or without a permission check and not listed below, fails this test.
 */

const captured: express.Router[] = [];
jest.mock('./service/router', () => {
  const actual = jest.requireActual('./service/router');
  return {
    ...actual,
    createRouter: async (options: unknown) => {
      const router = await actual.createRouter(options);
      captured.push(router);
      return router;
    },
  };
});

/**
 * Routes that need a signed-in user (or a service) but no KAML-D permission, and why.
 * A route listed here must still answer 401 without a token.
 */
/** Routes no user may call at all: one Backstage service's token only (403 for every user). */
const SERVICE_ONLY: Record<string, string> = {
  'POST /internal/location-schema':
    'schemas of storage locations, for the catalog service only',
};

const SIGNED_IN_ONLY: Record<string, string> = {
  'GET /health': 'liveness of the plugin and its dependencies, no data',
  'GET /storage/summary': 'adapter type and bucket totals, no dataset values',
  'GET /observation/sre': 'platform-wide health figures shown on the SRE page',
  'GET /observation/:namespace/:kind/:name':
    'health figures of a catalog entity the user can already see',
  'GET /runs/:namespace/:name': 'training runs of a model the user can see',
  'GET /runs/:namespace/:name/pods/:pod/logs': 'logs of a training run',
  'GET /runs/:namespace/:name/pods/:pod/past-logs':
    'past logs of a training run, as the live log',
  'GET /datasets/:namespace/:name/objects': 'file listing (names and sizes)',
  'GET /models/:namespace/:name/versions': 'version metadata of a model',
  'GET /models/:namespace/:name/versions/compare': 'version metadata',
  'GET /models/:namespace/:name/versions/:version': 'version metadata',
  'GET /datasets/:namespace/:name/snapshots': 'snapshot metadata',
  'GET /datasets/:namespace/:name/snapshots/diff': 'snapshot metadata',
  'GET /datasets/:namespace/:name/snapshots/:id': 'snapshot metadata',
  'GET /datasets/:namespace/:name/snapshots/:id/models': 'lineage metadata',
  'POST /audit/events':
    'service callers only: a user gets 403 without a permission',
  'POST /access-requests':
    'any signed-in user may ask the owners for access; nothing is granted until they approve',
  'GET /access-requests':
    "the user's own requests, and those on entities they hold kaml-d.access.decide on",
  'GET /access-requests/:id':
    'to the requester and to whoever holds kaml-d.access.decide on the entity; 404 otherwise',
};

interface RouteInfo {
  method: string;
  path: string;
}

type Layer = {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  regexp: RegExp & { fast_slash?: boolean };
};

function enumerateRoutes(router: express.Router): RouteInfo[] {
  const routes: RouteInfo[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          routes.push({ method: method.toUpperCase(), path: layer.route.path });
        }
      } else if (layer.handle.stack) {
        // sub-routers are mounted at the root, so their paths are the full paths
        if (!layer.regexp.fast_slash) {
          throw new Error(`sub-router mounted below the root: ${layer.regexp}`);
        }
        walk(layer.handle.stack);
      }
    }
  };
  walk((router as unknown as { stack: Layer[] }).stack);
  return routes;
}

const entities = [
  {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: { name: 'thing', namespace: 'default' },
    spec: {
      owner: 'group:default/data-engineering',
      type: 'tabular',
      format: 'csv',
      location: 's3://kaml-d-datasets/thing/',
    },
  },
  {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Model',
    metadata: { name: 'thing', namespace: 'default' },
    spec: { owner: 'group:default/data-science', type: 'model' },
  },
];

/**
 * Valid input for routes that validate before they authorize, so the permission check is
 * reached. Validation errors come first on purpose: they reveal nothing about the data.
 */
const SAMPLE_INPUT: Record<string, { query?: object; body?: object }> = {
  'GET /datasets/:namespace/:name/profile': { query: { column: 'id' } },
  'GET /datasets/:namespace/:name/download': { query: { key: 'part-0.csv' } },
  'POST /query': { body: { sql: 'SELECT * FROM "thing"' } },
  'POST /datasets/register': {
    body: { name: 'thing', location: 's3://kaml-datasets/thing/' },
  },
  'POST /datasets/:namespace/:name/snapshots': { body: { message: 'before' } },
  'POST /models/:namespace/:name/versions': {
    body: { artifactUri: 's3://kaml-d-models/thing/model.onnx' },
  },
  'PUT /models/:namespace/:name/aliases/:alias': { body: { version: 1 } },
  'POST /access-requests': {
    body: {
      entityRef: 'dataset:default/thing',
      permissions: ['kaml-d.dataset.preview'],
      justification: 'route enumeration test',
    },
  },
  'POST /access-requests/:id/decision': { body: { decision: 'approve' } },
};

/** Id of an access request made before the denied-user pass (decisions need a real one). */
let accessRequestId = 'ar-00000000t000000z-000000';

function concrete(path: string): string {
  return path
    .replace('/access-requests/:id', `/access-requests/${accessRequestId}`)
    .replace(':namespace', 'default')
    .replace(':kind', 'model')
    .replace(':id', 'snap-20261126t070102z-3f9a1c')
    .replace(/:[A-Za-z]+/g, 'thing');
}

async function start(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  captured.length = 0;
  const { server } = await startTestBackend({
    features: [
      kamlDPlugin,
      mockServices.rootConfig.factory({ data: {} }),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.permissions.factory({ result }),
      catalogServiceMock.factory({ entities }),
    ],
  });
  expect(captured).toHaveLength(1);
  return { server, routes: enumerateRoutes(captured[0]) };
}

function call(server: unknown, route: RouteInfo, base = '/api/kaml-d') {
  const agent = request(server as Parameters<typeof request>[0]);
  const url = `${base}${concrete(route.path)}`;
  const method = route.method.toLowerCase() as
    | 'get'
    | 'post'
    | 'put'
    | 'delete'
    | 'patch';
  const sample = SAMPLE_INPUT[`${route.method} ${route.path}`] ?? {};
  const req = agent[method](url).query(sample.query ?? {});
  return method === 'get' ? req : req.send(sample.body ?? {});
}

/** Routes that answer something other than 401 without a token. */
async function unauthenticatedFailures(
  server: unknown,
  routes: RouteInfo[],
  base?: string,
) {
  const failures: string[] = [];
  for (const route of routes) {
    const res = await call(server, route, base);
    const key = `${route.method} ${route.path}`;
    const signed = route.path.startsWith(SIGNED_DOWNLOAD_PATH);
    const ok = signed
      ? res.status >= 400 && res.status < 500
      : res.status === 401;
    if (!ok) failures.push(`${key} → ${res.status}`);
  }
  return failures;
}

/** Routes that do not answer 403 naming a kaml-d permission to a user denied everything. */
async function deniedFailures(
  server: unknown,
  routes: RouteInfo[],
  base?: string,
) {
  const failures: string[] = [];
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (route.path.startsWith(SIGNED_DOWNLOAD_PATH)) continue;
    const res = await call(server, route, base).set(
      'Authorization',
      mockCredentials.user.header('user:default/erin'),
    );
    if (key in SERVICE_ONLY) {
      if (res.status !== 403) {
        failures.push(`${key} → ${res.status} for a user (a service route)`);
      }
      continue;
    }
    if (key in SIGNED_IN_ONLY) {
      if (res.status === 401)
        failures.push(`${key} → 401 for a signed-in user`);
      continue;
    }
    const message: string = res.body?.error?.message ?? '';
    if (res.status !== 403 || !/kaml-d\.[a-z.]+/.test(message)) {
      failures.push(`${key} → ${res.status} ${message}`.trim());
    }
  }
  return failures;
}

describe('every kaml-d route is authenticated and permission-checked', () => {
  it('finds the routes of the router', async () => {
    const { routes } = await start(AuthorizeResult.DENY);
    const keys = routes.map(r => `${r.method} ${r.path}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'GET /health',
        'POST /datasets/upload',
        'GET /datasets/:namespace/:name/preview',
        'POST /query',
        'GET /audit',
        'POST /access-requests',
        'GET /access-requests',
        'POST /access-requests/:id/decision',
      ]),
    );
  });

  it('answers 401 to every route without a token (the signed download: 4xx for a bad token)', async () => {
    const { server, routes } = await start(AuthorizeResult.ALLOW);
    expect(await unauthenticatedFailures(server, routes)).toEqual([]);
  });

  it('answers 403 naming a kaml-d permission to a user denied everything', async () => {
    const { server, routes } = await start(AuthorizeResult.DENY);
    const made = await request(server as Parameters<typeof request>[0])
      .post('/api/kaml-d/access-requests')
      .set('Authorization', mockCredentials.user.header('user:default/erin'))
      .send(SAMPLE_INPUT['POST /access-requests'].body);
    expect(made.status).toBe(201);
    accessRequestId = made.body.id;
    expect(await deniedFailures(server, routes)).toEqual([]);
  });

  it('flags a route added without a permission check or without auth', async () => {
    const leakyRouters: express.Router[] = [];
    // a plugin with the mistakes this test exists to catch
    const leaky = createBackendPlugin({
      pluginId: 'leaky',
      register(env) {
        env.registerInit({
          deps: {
            httpRouter: coreServices.httpRouter,
            httpAuth: coreServices.httpAuth,
          },
          async init({ httpRouter, httpAuth }) {
            const router = Router();
            router.get('/signed-in', async (req, res) => {
              await httpAuth.credentials(req, { allow: ['user'] });
              res.json({ rows: [] });
            });
            router.get('/open', (_req, res) => {
              res.json({ rows: [] });
            });
            leakyRouters.push(router);
            httpRouter.use(router);
            httpRouter.addAuthPolicy({
              path: '/open',
              allow: 'unauthenticated',
            });
          },
        });
      },
    });
    const { server } = await startTestBackend({
      features: [
        leaky,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
    const routes = enumerateRoutes(leakyRouters[0]);
    expect(routes.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /signed-in',
      'GET /open',
    ]);
    expect(await unauthenticatedFailures(server, routes, '/api/leaky')).toEqual(
      ['GET /open → 200'],
    );
    expect(await deniedFailures(server, routes, '/api/leaky')).toEqual([
      'GET /signed-in → 200',
      'GET /open → 200',
    ]);
  });
});
