import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  accessDecidePermission,
  auditReadPermission,
  datasetPreviewPermission,
  datasetRescanPermission,
  datasetUploadPermission,
  datasetAssignOwnerPermission,
  kamlDPermissions,
} from '@kaml-d/plugin-kaml-d-common';
import { KamlDPermissionPolicy } from './KamlDPermissionPolicy';
import { readRoleGroups } from './roles';
import {
  asUser,
  dataset,
  outcome,
  P,
  readCatalog,
  UserKey,
  USERS,
} from '../__testUtils__/policy';

const ROLE_TABLE: Record<
  UserKey,
  Record<keyof typeof P, [boolean, boolean]>
> = {
  scientist: {
    preview: [true, false],
    query: [true, false],
    restore: [false, false],
    write: [false, false],
    train: [true, true],
    deploy: [false, false],
    promote: [true, true],
  },
  engineer: {
    preview: [true, false],
    query: [true, false],
    restore: [true, true],
    write: [false, false],
    train: [false, false],
    deploy: [false, false],
    promote: [false, false],
  },
  sre: {
    preview: [true, false],
    query: [false, false],
    restore: [false, false],
    write: [false, false],
    train: [false, false],
    deploy: [true, true],
    promote: [true, true],
  },
  admin: {
    preview: [true, true],
    query: [true, true],
    restore: [true, true],
    write: [true, true],
    train: [true, true],
    deploy: [true, true],
    promote: [true, true],
  },
  nobody: {
    preview: [false, false],
    query: [false, false],
    restore: [false, false],
    write: [false, false],
    train: [false, false],
    deploy: [false, false],
    promote: [false, false],
  },
};

const BASIC_TABLE: Record<
  UserKey,
  { upload: boolean; audit: boolean; assignOwner: boolean; rescan: boolean }
> = {
  scientist: { upload: false, audit: false, assignOwner: false, rescan: false },
  engineer: { upload: true, audit: false, assignOwner: false, rescan: true },
  sre: { upload: false, audit: true, assignOwner: false, rescan: false },
  admin: { upload: true, audit: true, assignOwner: true, rescan: true },
  nobody: { upload: false, audit: false, assignOwner: false, rescan: false },
};

describe('KamlDPermissionPolicy', () => {
  const policy = new KamlDPermissionPolicy();

  it('denies a request that carries no user', async () => {
    await expect(policy.handle({ permission: readCatalog })).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
    await expect(
      policy.handle({ permission: datasetPreviewPermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('allows a signed-in user permissions that are not KAML-D ones', async () => {
    const decision = await policy.handle(
      { permission: readCatalog },
      asUser('nobody'),
    );
    expect(decision).toEqual({ result: AuthorizeResult.ALLOW });
  });

  const otherPlain = dataset('transactions', 'group:default/other-team', false);
  const otherPii = dataset('customers', 'group:default/other-team', true);

  describe.each(Object.keys(ROLE_TABLE) as UserKey[])('role %s', user => {
    it.each(Object.keys(P) as (keyof typeof P)[])(
      '%s on entities owned by another group',
      async key => {
        const decision = await policy.handle(
          { permission: P[key] },
          asUser(user),
        );
        const [plain, pii] = ROLE_TABLE[user][key];
        expect(outcome(decision, otherPlain)).toBe(plain);
        expect(outcome(decision, otherPii)).toBe(pii);
      },
    );

    it.each(Object.keys(P) as (keyof typeof P)[])(
      '%s on entities the user owns (pii included)',
      async key => {
        const decision = await policy.handle(
          { permission: P[key] },
          asUser(user),
        );
        const ownerRef = USERS[user][USERS[user].length - 1];
        expect(outcome(decision, dataset('mine', ownerRef, false))).toBe(true);
        expect(outcome(decision, dataset('mine-pii', ownerRef, true))).toBe(
          true,
        );
      },
    );

    it('upload and audit read follow the role only', async () => {
      const upload = await policy.handle(
        { permission: datasetUploadPermission },
        asUser(user),
      );
      const audit = await policy.handle(
        { permission: auditReadPermission },
        asUser(user),
      );
      expect(upload.result).toBe(
        BASIC_TABLE[user].upload ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      );
      expect(audit.result).toBe(
        BASIC_TABLE[user].audit ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      );
      // naming any owner for an upload or registration: admins only
      const assignOwner = await policy.handle(
        { permission: datasetAssignOwnerPermission },
        asUser(user),
      );
      expect(assignOwner.result).toBe(
        BASIC_TABLE[user].assignOwner
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      );
      // asking discovery to rescan the store: data engineers and admins
      const rescan = await policy.handle(
        { permission: datasetRescanPermission },
        asUser(user),
      );
      expect(rescan.result).toBe(
        BASIC_TABLE[user].rescan ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      );
    });
  });

  it('returns real conditional decisions naming the kaml-d rules', async () => {
    const decision = await policy.handle(
      { permission: datasetPreviewPermission },
      asUser('scientist'),
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'kaml-d',
      resourceType: 'catalog-entity',
      conditions: {
        anyOf: [
          {
            rule: 'IS_ENTITY_OWNER',
            resourceType: 'catalog-entity',
            params: { claims: [...USERS.scientist] },
          },
          {
            not: {
              rule: 'HAS_SPEC',
              resourceType: 'catalog-entity',
              params: { key: 'schema.columns.classification', value: 'pii' },
            },
          },
          {
            rule: 'HAS_ACCESS_GRANT',
            resourceType: 'catalog-entity',
            params: {
              userEntityRef: 'user:default/alice',
              permission: 'kaml-d.dataset.preview',
            },
          },
        ],
      },
    });
  });

  it('covers every KAML-D permission in the tables', () => {
    const covered = [
      ...Object.values(P).map(p => p.name),
      datasetUploadPermission.name,
      datasetRescanPermission.name,
      datasetAssignOwnerPermission.name,
      auditReadPermission.name,
      accessDecidePermission.name,
    ];
    expect(covered.sort()).toEqual(kamlDPermissions.map(p => p.name).sort());
  });

  it('takes role groups from kamlD.permissions.roles', async () => {
    const configured = new KamlDPermissionPolicy({
      config: new ConfigReader({
        kamlD: {
          permissions: { roles: { sre: ['on-call', 'group:ops/pager'] } },
        },
      }),
    });
    const onCall = {
      credentials: mockCredentials.user('user:default/zoe'),
      info: {
        userEntityRef: 'user:default/zoe',
        ownershipEntityRefs: ['user:default/zoe', 'group:default/on-call'],
      },
    };
    await expect(
      configured.handle({ permission: auditReadPermission }, onCall),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    // The default sre group no longer has the role; the other roles keep their defaults.
    await expect(
      configured.handle({ permission: auditReadPermission }, asUser('sre')),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      configured.handle({ permission: auditReadPermission }, asUser('admin')),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('rejects an unknown role in the configuration', () => {
    expect(() =>
      readRoleGroups(
        new ConfigReader({
          kamlD: { permissions: { roles: { superuser: ['admins'] } } },
        }),
      ),
    ).toThrow(/kamlD.permissions.roles.superuser is not a KAML-D role/);
  });
});

