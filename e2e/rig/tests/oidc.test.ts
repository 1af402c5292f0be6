// The rig's OpenID provider through openid-client 5, the library Backstage's OIDC auth module uses:
// discovery, then a full authorization-code + PKCE login posted like a browser would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Issuer, generators, type BaseClient } from 'openid-client';
import { requireEnv } from './env.ts';

const REDIRECT = 'http://localhost:7007/api/auth/oidc/handler/frame';

/** A minimal cookie jar: enough for the provider's interaction and session cookies. */
class Jar {
  private cookies = new Map<string, string>();
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function portalClient(): Promise<BaseClient> {
  const issuer = await Issuer.discover(requireEnv('KAML_RIG_OIDC_ISSUER'));
  return new issuer.Client({
    client_id: requireEnv('KAML_RIG_OIDC_CLIENT_ID'),
    client_secret: requireEnv('KAML_RIG_OIDC_CLIENT_SECRET'),
    redirect_uris: [REDIRECT],
    response_types: ['code'],
  });
}

/**
 * Follows the authorization request through the login form; returns the final redirect to the
 * portal (carrying the code) or the login page's response when the login is refused.
 */
async function login(authUrl: string, user: string, password: string): Promise<{ location?: string; status: number; body?: string }> {
  const jar = new Jar();
  let url = authUrl;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(res);
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, url).toString();
      if (next.startsWith(REDIRECT)) return { location: next, status: res.status };
      url = next;
      continue;
    }
    assert.equal(res.status, 200, `unexpected ${res.status} at ${url}`);
    const html = await res.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    assert.ok(action, `no login form at ${url}`);
    const posted = await fetch(new URL(action, url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login: user, password }),
    });
    jar.store(posted);
    if (posted.status < 300 || posted.status >= 400) return { status: posted.status, body: await posted.text() };
    url = new URL(posted.headers.get('location')!, url).toString();
  }
  throw new Error('too many redirects');
}

test('discovery document advertises code flow, PKCE S256 and the groups claim', async () => {
  const issuer = await Issuer.discover(requireEnv('KAML_RIG_OIDC_ISSUER'));
  assert.equal(issuer.metadata.issuer, requireEnv('KAML_RIG_OIDC_ISSUER'));
  assert.ok((issuer.metadata.code_challenge_methods_supported as string[]).includes('S256'));
  assert.ok((issuer.metadata.scopes_supported as string[]).includes('groups'));
  assert.ok((issuer.metadata.claims_supported as string[]).includes('groups'));
  const jwks = await (await fetch(issuer.metadata.jwks_uri!)).json();
  assert.ok(jwks.keys.length >= 1);
});

for (const [user, group] of [['alice', 'data-science'], ['carol', 'ml-platform-sre']] as const) {
  test(`authorization code + PKCE login of ${user} yields tokens with groups [${group}]`, async () => {
    const client = await portalClient();
    const codeVerifier = generators.codeVerifier();
    const state = generators.state();
    const nonce = generators.nonce();
    const authUrl = client.authorizationUrl({
      scope: 'openid profile email groups offline_access',
      code_challenge: generators.codeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      prompt: 'consent',
    });
    const result = await login(authUrl, user, requireEnv('KAML_RIG_OIDC_PASSWORD'));
    assert.ok(result.location, `login did not redirect back: ${result.status} ${result.body?.slice(0, 200)}`);

    const params = client.callbackParams(result.location);
    assert.ok(params.code);
    const tokens = await client.callback(REDIRECT, params, { code_verifier: codeVerifier, state, nonce });
    assert.ok(tokens.access_token);
    assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');
    const claims = tokens.claims();
    assert.equal(claims.sub, user);
    assert.equal(claims.email, `${user}@kaml-d.example`);
    assert.equal(claims.email_verified, true);
    assert.deepEqual(claims.groups, [group]);

    const info = await client.userinfo(tokens);
    assert.equal(info.email, `${user}@kaml-d.example`);
    assert.deepEqual(info.groups, [group]);

    const refreshed = await client.refresh(tokens);
    assert.equal(refreshed.claims().sub, user);
  });
}

test('a wrong password is refused and a wrong PKCE verifier cannot redeem the code', async () => {
  const client = await portalClient();
  const verifier = generators.codeVerifier();
  const mk = () =>
    client.authorizationUrl({ scope: 'openid email groups', code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256', state: 's1' });

  const refused = await login(mk(), 'bob', 'not-the-password');
  assert.equal(refused.location, undefined);
  assert.equal(refused.status, 401);
  assert.match(refused.body ?? '', /wrong password/);

  const ok = await login(mk(), 'bob@kaml-d.example', requireEnv('KAML_RIG_OIDC_PASSWORD'));
  assert.ok(ok.location);
  const params = client.callbackParams(ok.location);
  await assert.rejects(
    client.callback(REDIRECT, params, { code_verifier: generators.codeVerifier(), state: 's1' }),
    /invalid_grant/,
  );
});
