import { AuthorizeResult, createPermission } from '@backstage/plugin-permission-common';
import { mockCredentials } from '@backstage/backend-test-utils';
import { KamlDPermissionPolicy } from './KamlDPermissionPolicy';

const readCatalog = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
});

describe('KamlDPermissionPolicy', () => {
  const policy = new KamlDPermissionPolicy();

  it('denies a request that carries no user', async () => {
    await expect(policy.handle({ permission: readCatalog })).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('allows a signed-in user', async () => {
    const decision = await policy.handle(
      { permission: readCatalog },
      {
        credentials: mockCredentials.user('user:default/alice'),
        info: { userEntityRef: 'user:default/alice', ownershipEntityRefs: [] },
      },
    );
    expect(decision).toEqual({ result: AuthorizeResult.ALLOW });
  });
});
