// The rig's OpenID provider: npm `oidc-provider` (a certified OP) with the portal's client, the
// catalog's test users and a `groups` claim.
//
//   node e2e/rig/oidc/provider.ts --port 27080 --state <dir>
//
// Environment: KAML_RIG_OIDC_PASSWORD (password of every test user, default kaml-rig-password),
// KAML_RIG_OIDC_REDIRECT_URIS (extra comma-separated redirect URIs of the portal client),
// KAML_RIG_OIDC_CLIENT_ID / KAML_RIG_OIDC_CLIENT_SECRET.
//
// Login is a plain HTML form (login + password) at /interaction/<uid>; a test can post it without
// a browser. Consent is implied for the configured first-party clients.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { findUser, USERS } from './users.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const host = arg('host', '127.0.0.1');
const port = Number(arg('port', '27080'));
const stateDir = arg('state', join(process.cwd(), '.oidc-state'));
const issuer = arg('issuer', `http://${host}:${port}`);
const password = process.env.KAML_RIG_OIDC_PASSWORD ?? 'kaml-rig-password';
const clientId = process.env.KAML_RIG_OIDC_CLIENT_ID ?? 'kaml-d-portal';
const clientSecret = process.env.KAML_RIG_OIDC_CLIENT_SECRET ?? 'kaml-d-portal-secret';
const extraRedirects = (process.env.KAML_RIG_OIDC_REDIRECT_URIS ?? '').split(',').map(s => s.trim()).filter(Boolean);

// Signing keys and cookie keys persist in the state folder: tokens stay valid across restarts.
mkdirSync(stateDir, { recursive: true });
const keysFile = join(stateDir, 'keys.json');
if (!existsSync(keysFile)) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: `rig-${randomBytes(6).toString('hex')}`, alg: 'RS256', use: 'sig' };
  writeFileSync(keysFile, JSON.stringify({ jwks: { keys: [jwk] }, cookieKeys: [randomBytes(32).toString('hex')] }), { mode: 0o600 });
}
const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as { jwks: { keys: object[] }; cookieKeys: string[] };

const portalRedirects = [
  'http://localhost:7007/api/auth/oidc/handler/frame',
  'http://127.0.0.1:7007/api/auth/oidc/handler/frame',
  ...extraRedirects,
];

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      client_name: 'KAML-D portal',
      // RFC 8252 loopback redirects: a portal on any localhost port (browser tests pick free
      // ports) may use the registered handler path; the rig listens on loopback only.
      application_type: 'native',
      redirect_uris: portalRedirects,
      post_logout_redirect_uris: ['http://localhost:3000/', 'http://localhost:7007/'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: keys.jwks as never,
  cookies: { keys: keys.cookieKeys },
  scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  // put the scope claims into the ID token as well (Backstage reads either)
  conformIdTokenClaims: false,
  pkce: { required: () => false },
  features: {
    devInteractions: { enabled: false },
    revocation: { enabled: true },
    introspection: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  ttl: { AccessToken: 3600, IdToken: 3600, AuthorizationCode: 120, Interaction: 600, Session: 86400, Grant: 86400, RefreshToken: 86400 },
  async findAccount(_ctx: unknown, sub: string) {
    const user = USERS.find(u => u.sub === sub);
    if (!user) return undefined;
    return {
      accountId: user.sub,
      async claims() {
        return {
          sub: user.sub,
          name: user.name,
          given_name: user.givenName,
          family_name: user.familyName,
          preferred_username: user.sub,
          email: user.email,
          email_verified: true,
          groups: user.groups,
        };
      },
    };
  },
  // First-party clients only: consent is implied, the grant covers what was asked.
  async loadExistingGrant(ctx: any) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const existing = await ctx.oidc.provider.Grant.find(grantId);
      if (existing) return existing;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email groups offline_access');
    grant.addOIDCClaims(['sub', 'name', 'given_name', 'family_name', 'preferred_username', 'email', 'email_verified', 'groups']);
    await grant.save();
    return grant;
  },
  interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  renderError(ctx: any, out: object) {
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>Error</title><h1>Sign-in error</h1><pre>${escapeHtml(JSON.stringify(out, null, 2))}</pre>`;
  },
});

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function loginPage(uid: string, clientName: string, error?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>KAML-D rig sign-in</title>
<style>body{font-family:sans-serif;max-width:24rem;margin:4rem auto}label,input,button{display:block;width:100%;margin:.4rem 0}.err{color:#b00}</style>
</head><body>
<h1>Sign in</h1>
<p>to <strong>${escapeHtml(clientName)}</strong> (KAML-D test identity provider)</p>
${error ? `<p class="err" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
  <label for="login">User name or e-mail</label><input id="login" name="login" autocomplete="username" autofocus>
  <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
  <button type="submit">Sign in</button>
</form>
<p>Test users: ${USERS.map(u => `${u.sub} (${u.groups.join(', ')})`).join(', ')}</p>
</body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

const callback = provider.callback();
const interactionPath = /^\/interaction\/([A-Za-z0-9_-]+)(\/login|\/abort)?$/;

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', issuer);
  const m = interactionPath.exec(url.pathname);
  if (url.pathname === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok\n');
    return;
  }
  if (!m) {
    callback(req, res);
    return;
  }
  try {
    const details = await provider.interactionDetails(req, res);
    const client = await provider.Client.find(String(details.params.client_id));
    const clientName = client?.clientName ?? String(details.params.client_id);
    if (req.method === 'GET' && !m[2] && details.prompt.name === 'consent') {
      // first-party client: consent (also when forced with prompt=consent) is granted at once
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
      if (!grant) throw new Error('grant not found');
      grant.addOIDCScope(String(details.params.scope ?? 'openid'));
      grant.addOIDCClaims(['sub', 'name', 'given_name', 'family_name', 'preferred_username', 'email', 'email_verified', 'groups']);
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    } else if (req.method === 'GET' && !m[2]) {
      send(res, 200, loginPage(details.uid, clientName));
    } else if (req.method === 'POST' && m[2] === '/login') {
      const form = await readForm(req);
      const user = findUser(form.get('login') ?? '');
      if (!user || form.get('password') !== password) {
        send(res, 401, loginPage(details.uid, clientName, 'Unknown user or wrong password.'));
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: user.sub, remember: false } }, { mergeWithLastSubmission: false });
    } else if (m[2] === '/abort') {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'sign-in aborted' }, { mergeWithLastSubmission: false });
    } else {
      send(res, 405, 'method not allowed');
    }
  } catch (e) {
    send(res, 400, `<!doctype html><title>Error</title><p>${escapeHtml(String((e as Error).message ?? e))}</p>`);
  }
});

server.listen(port, host, () => {
  console.log(`kaml-d rig OpenID provider: issuer ${issuer}, client ${clientId}, users ${USERS.map(u => u.sub).join(', ')}`);
});
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
