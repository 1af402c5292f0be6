/**
 * Identity from the directory, end to end: a person in the rig's OpenLDAP signs in to the portal
 * through Keycloak (which federates the directory), the catalog's User and Group entities come
 * from the same directory (catalog.providers.ldapOrg in app-config.rig.yaml) and KAML-D's roles
 * are its groups. Moving the person to another group in LDAP changes what they may do once the
 * catalog has synced the directory again and they sign in anew.
 *
 * The test works on a person of its own (kaml-sync-<run>), added to the directory here and
 * removed afterwards, so the demo users the browser tests sign in as are never touched.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { freePort, guestToken, startBackend, waitFor } from '../../portal/backend.ts';
import type { RunningBackend } from '../../portal/backend.ts';
import { requireEnv } from './env.ts';
import { Jar, keycloakLogin } from './keycloak.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const run = Date.now().toString(36);
const uid = `kaml-sync-${run}`;
const dbPrefix = `kaml_ldap_${run}_`;
let backend: RunningBackend | undefined;
let base = '';
let dataDir = '';

const usersDn = () => requireEnv('KAML_RIG_LDAP_USERS_DN');
const groupDn = (cn: string) => `cn=${cn},${requireEnv('KAML_RIG_LDAP_GROUPS_DN')}`;
const userDn = () => `uid=${uid},${usersDn()}`;

/** Applies an LDIF change as the directory's administrator (ldapmodify from ldap-utils). */
function ldapModify(ldif: string, ...flags: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      'ldapmodify',
      ['-x', '-H', requireEnv('KAML_RIG_LDAP_URL'), '-D', requireEnv('KAML_RIG_LDAP_ADMIN_DN'), '-w', requireEnv('KAML_RIG_LDAP_ADMIN_PASSWORD'), ...flags],
      (error, _stdout, stderr) => (error ? reject(new Error(`ldapmodify failed: ${stderr || error.message}`)) : resolvePromise()),
    );
    child.stdin!.end(ldif);
  });
}

const member = (op: 'add' | 'delete', group: string) =>
  `dn: ${groupDn(group)}\nchangetype: modify\n${op}: member\nmember: ${userDn()}\n`;

function portalToken(): string {
  const kubeconfig = readFileSync(requireEnv('KAML_RIG_KUBECONFIG_PORTAL'), 'utf8');
  const token = /^\s*token:\s*(\S+)/m.exec(kubeconfig)?.[1];
  if (!token) throw new Error('no token in the portal kubeconfig');
  return token;
}

/**
 * Signs in to the portal as a directory user the way the sign-in popup does: the portal's OIDC
 * start, Keycloak's login form, then the portal's handler page, whose message carries the
 * Backstage token (or the sign-in error).
 */
async function signIn(user: string): Promise<{ token: string; ent: string[] }> {
  const jar = new Jar();
  const start = await fetch(`${base}/api/auth/oidc/start?env=development&scope=${encodeURIComponent('openid profile email')}`, {
    redirect: 'manual',
  });
  jar.store(start);
  assert.equal(start.status, 302);
  const handler = `${base}/api/auth/oidc/handler/frame`;
  const login = await keycloakLogin(start.headers.get('location')!, user, requireEnv('KAML_RIG_OIDC_PASSWORD'), handler);
  assert.ok(login.location, `Keycloak did not sign ${user} in: ${login.status} ${login.body?.slice(0, 300)}`);
  const frame = await fetch(login.location, { headers: { cookie: jar.header() } });
  const encoded = /decodeURIComponent\('([^']*)'\)/.exec(await frame.text())?.[1];
  assert.ok(encoded, `no sign-in response from the portal (${frame.status})`);
  const message = JSON.parse(decodeURIComponent(encoded)) as {
    response?: { backstageIdentity: { token: string; identity: { ownershipEntityRefs: string[] } } };
    error?: { message: string };
  };
  if (!message.response) throw new Error(`the portal refused the sign-in of ${user}: ${message.error?.message}`);
  const { token, identity } = message.response.backstageIdentity;
  return { token, ent: identity.ownershipEntityRefs };
}

/** The permission backend's decisions for the signed-in user. */
async function decisions(token: string): Promise<{ upload: string; train: string }> {
  const res = await fetch(`${base}/api/permission/authorize`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      items: [
        { id: 'upload', permission: { type: 'basic', name: 'kaml-d.dataset.upload', attributes: { action: 'create' } } },
        {
          id: 'train',
          permission: { type: 'resource', name: 'kaml-d.model.train', attributes: { action: 'create' }, resourceType: 'catalog-entity' },
          resourceRef: 'model:default/fraud-detector',
        },
      ],
    }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const { items } = (await res.json()) as { items: Array<{ id: string; result: string }> };
  const byId = Object.fromEntries(items.map(i => [i.id, i.result]));
  return { upload: byId.upload, train: byId.train };
}

/** The groups the catalog's User entity of `uid` is a member of (undefined until it exists). */
async function catalogGroups(): Promise<string[] | undefined> {
  const res = await fetch(`${base}/api/catalog/entities/by-name/user/default/${uid}`, {
    headers: { Authorization: `Bearer ${await guestToken(base)}` },
  });
  if (res.status !== 200) return undefined;
  const entity = (await res.json()) as { relations?: Array<{ type: string; targetRef: string }> };
  return (entity.relations ?? []).filter(r => r.type === 'memberOf').map(r => r.targetRef).sort();
}

/** Keycloak's groups claim for `uid` (password grant of the portal client). */
async function keycloakGroups(): Promise<string[]> {
  const res = await fetch(`${requireEnv('KAML_RIG_OIDC_ISSUER')}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: requireEnv('KAML_RIG_OIDC_CLIENT_ID'),
      client_secret: requireEnv('KAML_RIG_OIDC_CLIENT_SECRET'),
      username: uid,
      password: requireEnv('KAML_RIG_OIDC_PASSWORD'),
      scope: 'openid groups',
    }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const { id_token } = (await res.json()) as { id_token: string };
  const claims = JSON.parse(Buffer.from(id_token.split('.')[1], 'base64url').toString('utf8')) as { groups?: string[] };
  return [...(claims.groups ?? [])].sort();
}

before(async () => {
  // the person, in data-engineering
  await ldapModify(
    [
      `dn: ${userDn()}`,
      'changetype: add',
      'objectClass: inetOrgPerson',
      `uid: ${uid}`,
      'cn: Sync Tester',
      'sn: Tester',
      'givenName: Sync',
      `mail: ${uid}@kaml-d.example`,
      `userPassword: ${requireEnv('KAML_RIG_OIDC_PASSWORD')}`,
      '',
      member('add', 'data-engineering'),
    ].join('\n'),
  );
  const port = await freePort();
  base = `http://localhost:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'kaml-d-ldap-'));
  backend = await startBackend({
    repoRoot,
    port,
    dataDir,
    args: ['--config', join(repoRoot, 'app-config.yaml'), '--config', join(repoRoot, 'app-config.rig.yaml')],
    env: {
      KAML_RIG_KUBE_PORTAL_TOKEN: portalToken(),
      // the directory is synced every few seconds here (a minute by default)
      KAML_RIG_LDAP_SYNC_FREQUENCY: 'PT5S',
      APP_CONFIG_backend_database_prefix: dbPrefix,
    },
  });
});

after(async () => {
  await backend?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  for (const group of ['data-engineering', 'data-science']) {
    await ldapModify(member('delete', group)).catch(() => undefined);
  }
  await ldapModify(`dn: ${userDn()}\nchangetype: delete\n`).catch(() => undefined);
  const client = new pg.Client({
    host: requireEnv('KAML_RIG_PG_HOST'),
    port: Number(requireEnv('KAML_RIG_PG_PORT')),
    user: requireEnv('KAML_RIG_PG_USER'),
    password: requireEnv('KAML_RIG_PG_PASSWORD'),
    database: requireEnv('KAML_RIG_PG_DATABASE'),
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [dbPrefix]);
    for (const { datname } of rows) await client.query(`drop database if exists ${pg.escapeIdentifier(datname)} with (force)`);
  } finally {
    await client.end();
  }
});

test('the catalog holds the directory: users with their LDAP names and e-mail, groups with their members', async () => {
  await waitFor('the directory synced into the catalog', 180_000, async () => (await catalogGroups()) !== undefined);
  const token = await guestToken(base);
  const get = async (ref: string) => {
    const res = await fetch(`${base}/api/catalog/entities/by-name/${ref}`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, `${ref}: ${res.status}`);
    return (await res.json()) as {
      metadata: { annotations: Record<string, string> };
      spec: { profile?: { displayName?: string; email?: string }; type?: string; children?: string[]; parent?: string };
      relations: Array<{ type: string; targetRef: string }>;
    };
  };
  const alice = await get('user/default/alice');
  assert.deepEqual(alice.spec.profile, { displayName: 'Alice Moreau', email: 'alice@kaml-d.example' });
  assert.match(alice.metadata.annotations['backstage.io/managed-by-location'], /^ldap:/);
  assert.deepEqual(alice.relations.filter(r => r.type === 'memberOf').map(r => r.targetRef), ['group:default/data-science']);
  const science = await get('group/default/data-science');
  assert.equal(science.spec.profile?.displayName, 'Data Science');
  assert.equal(science.spec.type, 'team');
  assert.deepEqual(
    science.relations.filter(r => r.type === 'childOf').map(r => r.targetRef),
    ['group:default/kaml-d-org'],
  );
});

test('a group change in LDAP changes what the user may do after the next directory sync', async () => {
  await waitFor(`${uid} in data-engineering in the catalog`, 180_000, async () =>
    JSON.stringify(await catalogGroups()) === JSON.stringify(['group:default/data-engineering']),
  );
  assert.deepEqual(await keycloakGroups(), ['data-engineering']);
  const before = await signIn(uid);
  assert.ok(before.ent.includes('group:default/data-engineering'), before.ent.join(', '));
  // a data engineer may upload datasets but not train the data scientists' model
  assert.deepEqual(await decisions(before.token), { upload: 'ALLOW', train: 'DENY' });

  // the directory moves the person from data-engineering to data-science
  await ldapModify([member('delete', 'data-engineering'), member('add', 'data-science')].join('\n'));
  // Keycloak reads the directory on each login (no cache): its groups claim follows at once
  assert.deepEqual(await keycloakGroups(), ['data-science']);

  await waitFor(`${uid} moved to data-science in the catalog`, 120_000, async () =>
    JSON.stringify(await catalogGroups()) === JSON.stringify(['group:default/data-science']),
  );
  const after = await signIn(uid);
  assert.ok(after.ent.includes('group:default/data-science'), after.ent.join(', '));
  assert.ok(!after.ent.includes('group:default/data-engineering'), after.ent.join(', '));
  assert.deepEqual(await decisions(after.token), { upload: 'DENY', train: 'ALLOW' });
});

test('a person the directory does not list cannot sign in, and a wrong password is refused by Keycloak', async () => {
  const refused = await keycloakLogin(
    (await fetch(`${base}/api/auth/oidc/start?env=development&scope=openid`, { redirect: 'manual' })).headers.get('location')!,
    'nobody-in-the-directory',
    requireEnv('KAML_RIG_OIDC_PASSWORD'),
    `${base}/api/auth/oidc/handler/frame`,
  );
  assert.equal(refused.location, undefined);
  assert.match(refused.body ?? '', /Invalid username or password/);
});
