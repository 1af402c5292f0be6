// The rig's OpenID provider (Keycloak federating the rig's LDAP directory) through openid-client 5,
// the library Backstage's OIDC auth module uses: discovery, then a full authorization-code + PKCE
// login posted through Keycloak's login form like a browser would. The groups claim comes from the
// directory's groupOfNames entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Issuer, generators, type BaseClient } from 'openid-client';
import { requireEnv } from './env.ts';
import { keycloakLogin } from './keycloak.ts';

const REDIRECT = 'http://localhost:7007/api/auth/oidc/handler/frame';

async function client(id: string, secret: string, redirect: string): Promise<BaseClient> {
  const issuer = await Issuer.discover(requireEnv('KAML_RIG_OIDC_ISSUER'));
  return new issuer.Client({ client_id: id, client_secret: secret, redirect_uris: [redirect], response_types: ['code'] });
}

const portalClient = () => client(requireEnv('KAML_RIG_OIDC_CLIENT_ID'), requireEnv('KAML_RIG_OIDC_CLIENT_SECRET'), REDIRECT);

test('discovery document advertises code flow, PKCE S256 and the groups scope', async () => {
  const issuer = await Issuer.discover(requireEnv('KAML_RIG_OIDC_ISSUER'));
  assert.equal(issuer.metadata.issuer, requireEnv('KAML_RIG_OIDC_ISSUER'));
  assert.ok((issuer.metadata.response_types_supported as string[]).includes('code'));
  assert.ok((issuer.metadata.code_challenge_methods_supported as string[]).includes('S256'));
  assert.ok((issuer.metadata.scopes_supported as string[]).includes('groups'));
  const jwks = await (await fetch(issuer.metadata.jwks_uri!)).json();
  assert.ok(jwks.keys.length >= 1);
});

for (const [user, name, group] of [
  ['alice', 'Alice Moreau', 'data-science'],
  ['carol', 'Carol Nguyen', 'ml-platform-sre'],
] as const) {
  test(`authorization code + PKCE login of ${user} yields tokens with the directory's groups [${group}]`, async () => {
    const portal = await portalClient();
    const codeVerifier = generators.codeVerifier();
    const state = generators.state();
    const nonce = generators.nonce();
    const authUrl = portal.authorizationUrl({
      scope: 'openid profile email groups offline_access',
      code_challenge: generators.codeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const result = await keycloakLogin(authUrl, user, requireEnv('KAML_RIG_OIDC_PASSWORD'), REDIRECT);
    assert.ok(result.location, `login did not redirect back: ${result.status} ${result.body?.slice(0, 200)}`);

    const params = portal.callbackParams(result.location);
    assert.ok(params.code);
    const tokens = await portal.callback(REDIRECT, params, { code_verifier: codeVerifier, state, nonce });
    assert.ok(tokens.access_token);
    assert.ok(tokens.refresh_token);
    const claims = tokens.claims();
    // the user's attributes as the directory holds them (uid, cn, mail)
    assert.equal(claims.preferred_username, user);
    assert.equal(claims.name, name);
    assert.equal(claims.email, `${user}@kaml-d.example`);
    assert.equal(claims.email_verified, true);
    assert.deepEqual(claims.groups, [group]);

    const info = await portal.userinfo(tokens);
    assert.equal(info.email, `${user}@kaml-d.example`);
    assert.deepEqual(info.groups, [group]);

    const refreshed = await portal.refresh(tokens);
    assert.equal(refreshed.claims().sub, claims.sub);
    assert.equal(refreshed.claims().preferred_username, user);
  });
}

test('a user in two directory groups gets both in the groups claim', async () => {
  const portal = await portalClient();
  const verifier = generators.codeVerifier();
  const result = await keycloakLogin(
    portal.authorizationUrl({ scope: 'openid email groups', code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256', state: 's2' }),
    'erin',
    requireEnv('KAML_RIG_OIDC_PASSWORD'),
    REDIRECT,
  );
  assert.ok(result.location, `login did not redirect back: ${result.status}`);
  const tokens = await portal.callback(REDIRECT, portal.callbackParams(result.location), { code_verifier: verifier, state: 's2' });
  assert.deepEqual([...(tokens.claims().groups as string[])].sort(), ['data-engineering', 'data-science']);
});

test('a wrong password is refused and a wrong PKCE verifier cannot redeem the code', async () => {
  const portal = await portalClient();
  const verifier = generators.codeVerifier();
  const mk = () =>
    portal.authorizationUrl({ scope: 'openid email groups', code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256', state: 's1' });

  const refused = await keycloakLogin(mk(), 'bob', 'not-the-password', REDIRECT);
  assert.equal(refused.location, undefined);
  assert.match(refused.body ?? '', /Invalid username or password/);

  // the e-mail address signs in too (loginWithEmailAllowed)
  const ok = await keycloakLogin(mk(), 'bob@kaml-d.example', requireEnv('KAML_RIG_OIDC_PASSWORD'), REDIRECT);
  assert.ok(ok.location);
  const params = portal.callbackParams(ok.location);
  await assert.rejects(
    portal.callback(REDIRECT, params, { code_verifier: generators.codeVerifier(), state: 's1' }),
    /invalid_grant/,
  );
});

test('the JupyterHub client signs a directory user in at its own callback', async () => {
  const callback = `http://127.0.0.1:${process.env.KAML_RIG_PORT_JUPYTERHUB ?? '28000'}/hub/oauth_callback`;
  const hub = await client(requireEnv('KAML_RIG_OIDC_JUPYTERHUB_CLIENT_ID'), requireEnv('KAML_RIG_OIDC_JUPYTERHUB_CLIENT_SECRET'), callback);
  const result = await keycloakLogin(
    hub.authorizationUrl({ scope: 'openid profile groups', state: 'hub' }),
    'dave',
    requireEnv('KAML_RIG_OIDC_PASSWORD'),
    callback,
  );
  assert.ok(result.location, `login did not redirect back: ${result.status}`);
  const tokens = await hub.callback(callback, hub.callbackParams(result.location), { state: 'hub' });
  assert.equal(tokens.claims().preferred_username, 'dave');
  assert.deepEqual(tokens.claims().groups, ['admins']);
  // the portal's redirect URI is not the hub's
  const foreign = await fetch(
    hub.authorizationUrl({ scope: 'openid', state: 'x', redirect_uri: 'http://evil.example/cb' }),
    { redirect: 'manual' },
  );
  assert.equal(foreign.status, 400);
});
