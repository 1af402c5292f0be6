// The production artifact against the rig: packages/backend/dist/{skeleton,bundle}.tar.gz (from
// scripts/build-production.sh) unpacked into a temporary folder as packages/backend/Dockerfile
// does, its production dependencies installed there (`yarn workspaces focus --all --production`),
// then `node packages/backend --config app-config.yaml --config app-config.production.yaml` with
// NODE_ENV=production and every production variable pointing at the rig (PostgreSQL, OIDC,
// Elasticsearch, kube, MinIO, Trino). Smoke checks: health, authentication, the frontend, the OIDC redirect.
//
// The install (measured: about 4 minutes here, most of it building native modules) is kept in the
// rig cache, keyed by the skeleton and the root manifests, and reused while they do not change;
// each run unpacks the current bundle over it. A cold run needs more than rig.sh's default
// per-file limit: KAML_RIG_TEST_TIMEOUT=900000 e2e/rig/rig.sh test production.
// KAML_PROD_DEPS=repo links the repository's node_modules instead of installing (faster, but it
// proves less: the focus install is what the image runs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { eventually, requireEnv } from './env.ts';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '..', '..', '..');
const dist = join(repo, 'packages', 'backend', 'dist');
const suffix = `${process.pid.toString(36)}${Date.now().toString(36)}`.slice(-8);
// plugin databases of this run: kaml_prod_<suffix>_<plugin>, dropped at the end
const dbPrefix = `kaml_prod_${suffix}_`;

let dir = '';
/** True when dir is this run's temporary folder (removed at the end); the cached install stays. */
let ownDir = false;
let base = '';
let backend: ChildProcess | undefined;
let exited: Promise<void> = Promise.resolve();
const log: string[] = [];
// startup lines kept whole (the rolling log above may drop them)
const startupNotes: string[] = [];

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => ok(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function pgClient(): pg.Client {
  return new pg.Client({
    host: requireEnv('KAML_RIG_PG_HOST'),
    port: Number(requireEnv('KAML_RIG_PG_PORT')),
    user: requireEnv('KAML_RIG_PG_USER'),
    password: requireEnv('KAML_RIG_PG_PASSWORD'),
    database: 'postgres',
  });
}

function lastLog(): string {
  return log.join('').split('\n').slice(-40).join('\n');
}

before(async () => {
  for (const f of ['bundle.tar.gz', 'skeleton.tar.gz']) {
    if (!existsSync(join(dist, f))) throw new Error(`${join(dist, f)} is missing: run scripts/build-production.sh first`);
  }
  const t0 = Date.now();
  let installed = 'repo node_modules';
  if (process.env.KAML_PROD_DEPS === 'repo') {
    dir = await mkdtemp(join(tmpdir(), 'kaml-prod-'));
    ownDir = true;
    for (const f of ['package.json', 'yarn.lock', '.yarnrc.yml']) await copyFile(join(repo, f), join(dir, f));
    await run('tar', ['-xzf', join(dist, 'skeleton.tar.gz'), '-C', dir]);
    await symlink(join(repo, 'node_modules'), join(dir, 'node_modules'));
  } else {
    // as packages/backend/Dockerfile: root manifests + skeleton, then the production install
    const hash = createHash('sha256');
    for (const f of [join(dist, 'skeleton.tar.gz'), join(repo, 'package.json'), join(repo, 'yarn.lock'), join(repo, '.yarnrc.yml')]) {
      hash.update(await readFile(f));
    }
    const cache = process.env.KAML_RIG_CACHE ?? join(homedir(), '.cache', 'kaml-d-rig');
    dir = join(cache, 'production-deps', hash.digest('hex').slice(0, 16));
    if (existsSync(join(dir, '.installed'))) {
      installed = `cached install in ${dir}`;
    } else {
      // one install is kept: earlier ones (other manifests) go
      await rm(join(cache, 'production-deps'), { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      for (const f of ['package.json', 'yarn.lock', '.yarnrc.yml']) await copyFile(join(repo, f), join(dir, f));
      await run('tar', ['-xzf', join(dist, 'skeleton.tar.gz'), '-C', dir]);
      // scripts/bootstrap.sh gives Yarn and the registry settings (read at run time)
      await run('bash', ['-c', `. "${join(repo, 'scripts', 'bootstrap.sh')}" >/dev/null && cd "$0" && yarn workspaces focus --all --production`, dir], {
        timeout: 900_000,
        maxBuffer: 64 << 20,
        env: { ...process.env, YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' },
      });
      await writeFile(join(dir, '.installed'), new Date().toISOString());
      installed = 'yarn workspaces focus --all --production';
    }
    // a fresh copy of what the bundle brings (no stale files of an earlier bundle)
    for (const f of ['catalog', 'data', 'app-config.yaml', 'app-config.production.yaml', 'app-config.test-isolation.yaml']) {
      await rm(join(dir, f), { recursive: true, force: true });
    }
    for (const top of ['packages', 'plugins']) {
      if (!existsSync(join(dir, top))) continue;
      for (const pkg of await readdir(join(dir, top))) await rm(join(dir, top, pkg, 'dist'), { recursive: true, force: true });
    }
  }
  const installSeconds = ((Date.now() - t0) / 1000).toFixed(1);
  await run('tar', ['-xzf', join(dist, 'bundle.tar.gz'), '-C', dir]);
  for (const f of ['app-config.yaml', 'app-config.production.yaml']) await copyFile(join(repo, f), join(dir, f));
  await cp(join(repo, 'catalog'), join(dir, 'catalog'), { recursive: true });
  await mkdir(join(dir, 'data'));
  // the only addition to the two production files: a database prefix, so this run does not share
  // plugin databases with other users of the rig's PostgreSQL
  await writeFile(join(dir, 'app-config.test-isolation.yaml'), `backend:\n  database:\n    prefix: ${dbPrefix}\n`);
  process.stderr.write(`# production deps (${installed}): ${installSeconds}s\n`);

  const port = await freePort();
  base = `http://localhost:${port}`;
  const ca = await readFile(requireEnv('KAML_RIG_KUBE_CA'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    KAML_BASE_URL: base,
    KAML_BACKEND_PORT: String(port),
    KAML_CATALOG_DIR: join(dir, 'catalog'),
    KAML_DATA_DIR: join(dir, 'data'),
    BACKEND_SECRET: randomBytes(24).toString('base64'),
    AUTH_SESSION_SECRET: randomBytes(24).toString('base64'),
    POSTGRES_HOST: requireEnv('KAML_RIG_PG_HOST'),
    POSTGRES_PORT: requireEnv('KAML_RIG_PG_PORT'),
    POSTGRES_USER: requireEnv('KAML_RIG_PG_USER'),
    POSTGRES_PASSWORD: requireEnv('KAML_RIG_PG_PASSWORD'),
    OIDC_METADATA_URL: requireEnv('KAML_RIG_OIDC_METADATA_URL'),
    OIDC_CLIENT_ID: requireEnv('KAML_RIG_OIDC_CLIENT_ID'),
    OIDC_CLIENT_SECRET: requireEnv('KAML_RIG_OIDC_CLIENT_SECRET'),
    ELASTICSEARCH_URL: requireEnv('KAML_RIG_ES_URL'),
    S3_ENDPOINT: requireEnv('KAML_RIG_S3_ENDPOINT'),
    S3_REGION: requireEnv('KAML_RIG_S3_REGION'),
    S3_ACCESS_KEY_ID: requireEnv('KAML_RIG_S3_ACCESS_KEY'),
    S3_SECRET_ACCESS_KEY: requireEnv('KAML_RIG_S3_SECRET_KEY'),
    TRINO_URL: requireEnv('KAML_RIG_TRINO_URL'),
    TRINO_CATALOG: requireEnv('KAML_RIG_TRINO_CATALOG'),
    TRINO_SCHEMA: requireEnv('KAML_RIG_TRINO_SCHEMA'),
    TRINO_USER: requireEnv('KAML_RIG_TRINO_USER'),
    KUBERNETES_CLUSTER_NAME: 'rig',
    KUBERNETES_API_URL: requireEnv('KAML_RIG_KUBE_URL'),
    KUBERNETES_SERVICE_ACCOUNT_TOKEN: requireEnv('KAML_RIG_KUBE_PORTAL_TOKEN'),
    KUBERNETES_CA_DATA: ca.toString('base64'),
  };
  backend = spawn(
    process.execPath,
    ['packages/backend', '--config', 'app-config.yaml', '--config', 'app-config.production.yaml', '--config', 'app-config.test-isolation.yaml'],
    { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (b: Buffer) => {
    const text = b.toString();
    if (text.includes('reach Kubernetes through')) startupNotes.push(text);
    if (text.includes('"type":"incomingRequest"') && !text.includes('"status":5')) return; // access log
    log.push(text);
    if (log.length > 400) log.shift();
  };
  backend.stdout?.on('data', keep);
  backend.stderr?.on('data', keep);
  exited = new Promise(r => backend?.once('exit', () => r()));
  // the runner ends this file's process on a timeout: never leave the backend behind
  process.once('exit', () => backend?.kill('SIGKILL'));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      backend?.kill('SIGKILL');
      process.exit(1);
    });
  }
  const started = Date.now();
  await eventually(
    'the production backend to answer liveness',
    async () => {
      if (backend?.exitCode !== null) throw new Error(`the backend exited (${backend?.exitCode}):\n${lastLog()}`);
      const res = await fetch(`${base}/.backstage/health/v1/liveness`);
      return res.status === 200 ? true : undefined;
    },
    120_000,
    500,
  ).catch(e => {
    throw new Error(`${String(e)}\n${lastLog()}`);
  });
  process.stderr.write(`# production backend live after ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}, { timeout: 900_000 });

after(async () => {
  if (backend && backend.exitCode === null) {
    backend.kill('SIGTERM');
    const timer = setTimeout(() => backend?.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  if (dir && ownDir) await rm(dir, { recursive: true, force: true });
  if (process.env.KAML_RIG_PG_HOST) {
    const client = pgClient();
    await client.connect();
    try {
      const dbs = await client.query('select datname from pg_database where datname like $1', [`${dbPrefix}%`]);
      for (const { datname } of dbs.rows) await client.query(`drop database if exists "${datname}" with (force)`);
    } finally {
      await client.end();
    }
  }
});

test('liveness and readiness answer 200', async () => {
  assert.equal((await fetch(`${base}/.backstage/health/v1/liveness`)).status, 200);
  await eventually('readiness 200', async () => ((await fetch(`${base}/.backstage/health/v1/readiness`)).status === 200 ? true : undefined), 60_000, 500).catch(
    e => {
      throw new Error(`${String(e)}\n${lastLog()}`);
    },
  );
});

test('the KAML-D API refuses a request without a token, with an error body that has no stack or server path', async () => {
  const res = await fetch(`${base}/api/kaml-d/health`);
  assert.equal(res.status, 401);
  const body = (await res.json()) as { error?: { name?: string; message?: string; stack?: string } };
  assert.ok(body.error?.message, 'an error body says what went wrong');
  assert.equal(body.error?.stack, undefined, 'no stack trace in a production error body');
  const text = JSON.stringify(body);
  assert.ok(!text.includes(dir), `no server path in ${text}`);
  assert.doesNotMatch(text, /\bat \S+ \(/);
});

test('the production CSP lets the app connect to its own origin only', async () => {
  const res = await fetch(`${base}/`);
  const csp = res.headers.get('content-security-policy') ?? '';
  const connect = csp
    .split(';')
    .map(d => d.trim().split(/\s+/))
    .find(([name]) => name === 'connect-src');
  assert.deepEqual(connect, ['connect-src', "'self'"], `CSP: ${csp}`);
});

test('the built frontend is served at / with the production configuration injected', async () => {
  const res = await fetch(`${base}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  const html = await res.text();
  assert.match(html, /<div id="root">/);
  assert.ok(html.includes(base), 'app.baseUrl from KAML_BASE_URL is injected into index.html');
  const script = /src="([^"]*static\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(script, 'index.html references a static bundle');
  const js = await fetch(new URL(script, `${base}/`));
  assert.equal(js.status, 200);
});

test('sign-in starts at the rig OpenID provider', async () => {
  const res = await fetch(`${base}/api/auth/oidc/start?env=production`, { redirect: 'manual' });
  assert.equal(res.status, 302);
  const location = res.headers.get('location') ?? '';
  assert.ok(location.startsWith(requireEnv('KAML_RIG_OIDC_ISSUER')), `redirects to ${location}`);
  const url = new URL(location);
  assert.equal(url.searchParams.get('client_id'), requireEnv('KAML_RIG_OIDC_CLIENT_ID'));
  assert.equal(url.searchParams.get('redirect_uri'), `${base}/api/auth/oidc/handler/frame`);
});

test('the training and deployment actions use the cluster configured for the Kubernetes plugin', () => {
  // app-config.production.yaml: kamlD.workloadCluster = KUBERNETES_CLUSTER_NAME ("rig" here)
  assert.match(startupNotes.join(''), /kaml-d:model actions reach Kubernetes through Kubernetes plugin cluster \\?"rig\\?"/);
});

test('guest sign-in is off in production', async () => {
  const res = await fetch(`${base}/api/auth/guest/refresh`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  assert.ok(res.status >= 400, `guest refresh answered ${res.status}`);
});

test('the plugin databases live in the rig PostgreSQL', async () => {
  const client = pgClient();
  await client.connect();
  try {
    const dbs = await client.query('select datname from pg_database where datname like $1', [`${dbPrefix}%`]);
    const names = dbs.rows.map(r => r.datname as string);
    assert.ok(names.includes(`${dbPrefix}catalog`), `databases: ${names.join(', ')}`);
    assert.ok(names.includes(`${dbPrefix}kaml-d`) || names.some(n => n.includes('kaml')), `databases: ${names.join(', ')}`);
  } finally {
    await client.end();
  }
});
