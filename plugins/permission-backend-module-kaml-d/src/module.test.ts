import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import permissionPlugin from '@backstage/plugin-permission-backend';
import request from 'supertest';
import permissionModuleKamlDPolicy from '.';

/*
 * The module installed in a real permission backend: decisions come back through
 * POST /api/permission/authorize, with the user's groups from the user-info service and role
 * groups from kamlD.permissions.roles. (Conditional decisions on entities need a resourceRef
 * and the catalog to apply them; they are covered by KamlDPermissionPolicy.test.ts.)
 */

const GROUPS: Record<string, string[]> = {
  'user:default/carol': ['group:default/ml-platform-sre'],
  'user:default/erin': [],
  'user:default/zoe': ['group:default/on-call'],
};

async function start(config: object = {}) {
  const userInfo = mockServices.userInfo.mock({
    async getUserInfo(credentials: BackstageCredentials) {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(GROUPS[ref] ?? [])],
      };
    },
  });
  const { server } = await startTestBackend({
    features: [
      permissionPlugin,
      permissionModuleKamlDPolicy,
      mockServices.rootConfig.factory({
        data: { permission: { enabled: true }, ...config },
      }),
      userInfo.factory,
    ],
  });
  return server;
}

async function decide(
  server: Parameters<typeof request>[0],
  user: string,
  permission: object,
) {
  const res = await request(server)
    .post('/api/permission/authorize')
    .set('Authorization', mockCredentials.user.header(user))
    .send({ items: [{ id: '1', permission }] });
  expect(res.status).toBe(200);
  return res.body.items[0];
}

const auditRead = {
  type: 'basic',
  name: 'kaml-d.audit.read',
  attributes: { action: 'read' },
};
describe('permission module kaml-d-policy', () => {
  it('grants audit read to an SRE and denies it to a user without a role', async () => {
    const server = await start();
    await expect(
      decide(server, 'user:default/carol', auditRead),
    ).resolves.toMatchObject({ result: 'ALLOW' });
    await expect(
      decide(server, 'user:default/erin', auditRead),
    ).resolves.toMatchObject({ result: 'DENY' });
  });

  it('reads role groups from kamlD.permissions.roles', async () => {
    const server = await start({
      kamlD: { permissions: { roles: { sre: ['on-call'] } } },
    });
    await expect(
      decide(server, 'user:default/zoe', auditRead),
    ).resolves.toMatchObject({ result: 'ALLOW' });
    await expect(
      decide(server, 'user:default/carol', auditRead),
    ).resolves.toMatchObject({ result: 'DENY' });
  });
});
