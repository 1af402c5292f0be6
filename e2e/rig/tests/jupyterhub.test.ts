// The rig's JupyterHub: its health route, the kaml-d service token and its scopes (create a user,
// start and reach their server, stop it), and a directory user signing in through the rig's
// OpenID provider (Keycloak's login form, no browser) landing as the hub user named by their
// preferred_username — the name KAML-D opens notebooks under.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { eventually, requireEnv } from './env.ts';
import { Jar, keycloakLogin } from './keycloak.ts';

const hub = () => requireEnv('KAML_RIG_JUPYTERHUB_URL');
const auth = () => ({ Authorization: `token ${requireEnv('KAML_RIG_JUPYTERHUB_TOKEN')}` });

async function hubUser(name: string) {
  const res = await fetch(`${hub()}/hub/api/users/${name}?include_stopped_servers`, { headers: auth() });
  return res.status === 404 ? undefined : ((await res.json()) as { name: string; servers: Record<string, { ready: boolean }> });
}

test('health: GET /hub/api/ answers the hub version', async () => {
  const res = await fetch(`${hub()}/hub/api/`);
  assert.equal(res.status, 200);
  assert.match(((await res.json()) as { version: string }).version, /^5\./);
});

test('the kaml-d service token creates a user, starts, reaches and stops their server', async () => {
  const name = `rig-${randomBytes(3).toString('hex')}`;
  const me = await fetch(`${hub()}/hub/api/user`, { headers: auth() });
  const model = (await me.json()) as { kind: string; name: string; scopes: string[] };
  assert.equal(model.kind, 'service');
  assert.equal(model.name, 'kaml-d');
  for (const scope of ['admin:users', 'admin:servers', 'access:servers']) assert.ok(model.scopes.includes(scope), scope);
  try {
    assert.equal((await fetch(`${hub()}/hub/api/users/${name}`, { method: 'POST', headers: auth() })).status, 201);
    const started = await fetch(`${hub()}/hub/api/users/${name}/server`, { method: 'POST', headers: auth() });
    assert.ok([201, 202].includes(started.status), `start: ${started.status}`);
    await eventually('the server is ready', async () => ((await hubUser(name))?.servers['']?.ready ? true : undefined), 120_000, 500);
    // through the hub's proxy with the service token: Jupyter Server's own API
    const status = await fetch(`${hub()}/user/${name}/api/status`, { headers: auth() });
    assert.equal(status.status, 200);
    // a request without the token does not reach it
    const anonymous = await fetch(`${hub()}/user/${name}/api/contents`, { redirect: 'manual' });
    assert.notEqual(anonymous.status, 200);
  } finally {
    await fetch(`${hub()}/hub/api/users/${name}`, { method: 'DELETE', headers: auth() });
  }
  assert.equal(await hubUser(name), undefined);
});

test('a directory user signs in through the OpenID provider and becomes the hub user of that name', async () => {
  const user = 'carol';
  const existed = (await hubUser(user)) !== undefined;
  const jar = new Jar();
  const login = await fetch(`${hub()}/hub/oauth_login`, { redirect: 'manual' });
  jar.store(login);
  assert.equal(login.status, 302);
  const authUrl = login.headers.get('location')!;
  assert.ok(authUrl.startsWith(requireEnv('KAML_RIG_OIDC_ISSUER')), authUrl);
  assert.equal(new URL(authUrl).searchParams.get('client_id'), requireEnv('KAML_RIG_OIDC_JUPYTERHUB_CLIENT_ID'));
  const callback = `${hub()}/hub/oauth_callback`;
  const result = await keycloakLogin(authUrl, user, requireEnv('KAML_RIG_OIDC_PASSWORD'), callback, jar);
  assert.ok(result.location, `login did not come back to the hub: ${result.status}`);
  const back = await fetch(result.location, { redirect: 'manual', headers: { cookie: jar.header() } });
  jar.store(back);
  assert.equal(back.status, 302, `callback answered ${back.status}`);
  // the hub's session cookie opens carol's home page (without it: a redirect to the login)
  const home = await fetch(`${hub()}/hub/home`, { redirect: 'manual', headers: { cookie: jar.header() } });
  assert.equal(home.status, 200);
  assert.match(await home.text(), /carol/);
  assert.equal((await fetch(`${hub()}/hub/home`, { redirect: 'manual' })).status, 302);
  assert.equal((await hubUser(user))?.name, user);
  if (!existed) await fetch(`${hub()}/hub/api/users/${user}`, { method: 'DELETE', headers: auth() });
});
