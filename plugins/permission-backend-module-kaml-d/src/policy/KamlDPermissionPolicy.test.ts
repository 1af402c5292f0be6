import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { mockCredentials } from '@backstage/backend-test-utils';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import {
  AccessGrant,
  accessDecidePermission,
  auditReadPermission,
  hasActiveAccessGrant,
  isEntityInProject,
  datasetPreviewPermission,
  datasetQueryPermission,
  datasetSnapshotRestorePermission,
  datasetRescanPermission,
  datasetUploadPermission,
  datasetAssignOwnerPermission,
  datasetWritePermission,
  kamlDPermissions,
  modelDeployPermission,
  modelTrainPermission,
  modelVersionPromotePermission,
} from '@kaml-d/plugin-kaml-d-common';
import { KamlDPermissionPolicy } from './KamlDPermissionPolicy';
import { readProjectRoles, readRoleGroups } from './roles';

const readCatalog = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
});

type Criteria = PermissionCriteria<PermissionCondition<'catalog-entity'>>;

const NOW = new Date('2026-11-26T12:00:00Z');

/**
 * Applies a conditional decision to an entity: the catalog's own rule implementations for the
 * catalog rules, and the shared functions behind HAS_ACCESS_GRANT and IS_IN_PROJECT (the same
 * ones the KAML-D backend registers) with the grants on the entity.
 */
function applies(
  criteria: Criteria,
  entity: Entity,
  grants: AccessGrant[],
): boolean {
  if ('allOf' in criteria)
    return criteria.allOf.every(c => applies(c, entity, grants));
  if ('anyOf' in criteria)
    return criteria.anyOf.some(c => applies(c, entity, grants));
  if ('not' in criteria) return !applies(criteria.not, entity, grants);
  if (criteria.rule === 'HAS_ACCESS_GRANT') {
    return hasActiveAccessGrant(
      grants,
      criteria.params as { userEntityRef: string; permission: string },
      NOW,
    );
  }
  if (criteria.rule === 'IS_IN_PROJECT') {
    return isEntityInProject(entity, criteria.params as { projects: string[] });
  }
  const rule = Object.values(permissionRules).find(
    r => r.name === criteria.rule,
  );
  if (!rule) throw new Error(`unknown rule ${criteria.rule}`);
  return (rule.apply as (e: Entity, p: unknown) => boolean)(
    entity,
    criteria.params,
  );
}

/** The outcome a user sees on one entity: allowed or denied. */
function outcome(
  decision: PolicyDecision,
  entity?: Entity,
  grants: AccessGrant[] = [],
): boolean {
  if (decision.result !== AuthorizeResult.CONDITIONAL) {
    return decision.result === AuthorizeResult.ALLOW;
  }
  // applied by the KAML-D backend, which knows the grants
  expect(decision.pluginId).toBe('kaml-d');
  expect(decision.resourceType).toBe('catalog-entity');
  if (!entity) throw new Error('conditional decision for a basic permission');
  return applies(decision.conditions as Criteria, entity, grants);
}

function dataset(
  name: string,
  owner: string,
  pii: boolean,
  extra: { system?: string; project?: string } = {},
): Entity {
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: {
      name,
      namespace: 'default',
      ...(extra.project
        ? { annotations: { 'kaml-d.io/project': extra.project } }
        : {}),
    },
    // The catalog's processing turns spec.owner into this relation; the rule reads it.
    relations: [{ type: 'ownedBy', targetRef: owner }],
    spec: {
      owner,
      type: 'tabular',
      ...(extra.system ? { system: extra.system } : {}),
      schema: {
        columns: [
          { name: 'id', type: 'bigint', classification: 'internal' },
          {
            name: 'email',
            type: 'varchar',
            classification: pii ? 'pii' : 'confidential',
          },
        ],
      },
    },
  };
}

const USERS = {
  scientist: ['user:default/alice', 'group:default/data-science'],
  engineer: ['user:default/bob', 'group:default/data-engineering'],
  sre: ['user:default/carol', 'group:default/ml-platform-sre'],
  admin: ['user:default/dave', 'group:default/admins'],
  nobody: ['user:default/erin'],
} as const;
type UserKey = keyof typeof USERS;

function asUser(key: UserKey) {
  const refs = [...USERS[key]];
  return {
    credentials: mockCredentials.user(refs[0]),
    info: { userEntityRef: refs[0], ownershipEntityRefs: refs },
  };
}

const P = {
  preview: datasetPreviewPermission,
  query: datasetQueryPermission,
  restore: datasetSnapshotRestorePermission,
  write: datasetWritePermission,
  train: modelTrainPermission,
  deploy: modelDeployPermission,
  promote: modelVersionPromotePermission,
};

// Expected outcome per role on an entity owned by someone else (non-pii, pii).
// Every user is allowed on entities their group owns (checked separately).
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

describe('KamlDPermissionPolicy: access grants', () => {
  const policy = new KamlDPermissionPolicy();
  const pii = dataset('customers', 'group:default/other-team', true);
  const grant = (
    grantee: string,
    permission: string,
    expiresAt = '2026-12-01T00:00:00Z',
  ): AccessGrant => ({
    requestId: 'ar-1',
    entityRef: 'dataset:default/customers',
    grantee,
    permission,
    expiresAt,
  });

  // [without grant, with an unexpired grant of the permission, with an expired one]
  const GRANT_TABLE: Record<UserKey, [boolean, boolean, boolean]> = {
    scientist: [false, true, false],
    engineer: [false, true, false],
    sre: [false, true, false],
    admin: [true, true, true],
    nobody: [false, true, false],
  };

  describe.each(Object.keys(GRANT_TABLE) as UserKey[])('role %s', user => {
    it.each([datasetPreviewPermission, datasetQueryPermission])(
      '$name on a pii dataset follows the grant until it expires',
      async permission => {
        const decision = await policy.handle({ permission }, asUser(user));
        const me = USERS[user][0];
        const [none, active, expired] = GRANT_TABLE[user];
        expect(outcome(decision, pii, [])).toBe(none);
        expect(outcome(decision, pii, [grant(me, permission.name)])).toBe(
          active,
        );
        expect(
          outcome(decision, pii, [
            grant(me, permission.name, '2026-11-26T11:59:59Z'),
          ]),
        ).toBe(expired);
      },
    );
  });

  it('counts only a grant of the same permission to the same user', async () => {
    const decision = await policy.handle(
      { permission: datasetPreviewPermission },
      asUser('nobody'),
    );
    expect(
      outcome(decision, pii, [
        grant('user:default/erin', 'kaml-d.dataset.query'),
      ]),
    ).toBe(false);
    expect(
      outcome(decision, pii, [
        grant('user:default/alice', 'kaml-d.dataset.preview'),
      ]),
    ).toBe(false);
    // refs compare case-insensitively, like the catalog's
    expect(
      outcome(decision, pii, [
        grant('User:default/Erin', 'kaml-d.dataset.preview'),
      ]),
    ).toBe(true);
  });

  it('does not let a grant lift permissions other than preview and query', async () => {
    const decision = await policy.handle(
      { permission: datasetSnapshotRestorePermission },
      asUser('nobody'),
    );
    expect(
      outcome(decision, pii, [
        grant('user:default/erin', datasetSnapshotRestorePermission.name),
      ]),
    ).toBe(false);
  });

  it('gives access decisions to owners and admins only', async () => {
    for (const user of Object.keys(USERS) as UserKey[]) {
      const decision = await policy.handle(
        { permission: accessDecidePermission },
        asUser(user),
      );
      const ownerRef = USERS[user][USERS[user].length - 1];
      expect(outcome(decision, dataset('mine', ownerRef, true))).toBe(true);
      expect(outcome(decision, pii)).toBe(user === 'admin');
    }
  });
});

describe('KamlDPermissionPolicy: project roles', () => {
  const policy = new KamlDPermissionPolicy({
    config: new ConfigReader({
      kamlD: {
        permissions: {
          projectRoles: [
            {
              role: 'data-scientist',
              groups: ['fraud-analysts'],
              projects: ['Fraud-Detection'],
            },
          ],
        },
      },
    }),
  });
  const zoe = {
    credentials: mockCredentials.user('user:default/zoe'),
    info: {
      userEntityRef: 'user:default/zoe',
      ownershipEntityRefs: ['user:default/zoe', 'group:default/fraud-analysts'],
    },
  };
  const other = 'group:default/other-team';
  const inSystem = dataset('tx', other, false, { system: 'fraud-detection' });
  const inSystemRef = dataset('tx2', other, false, {
    system: 'system:default/fraud-detection',
  });
  const annotated = dataset('tx3', other, false, {
    system: 'marketing',
    project: 'fraud-detection',
  });
  const piiInProject = dataset('cards', other, true, {
    system: 'fraud-detection',
  });
  const elsewhere = dataset('leads', other, false, { system: 'marketing' });
  const noProject = dataset('misc', other, false);

  it('grants the role on entities of the projects only', async () => {
    const preview = await policy.handle(
      { permission: datasetPreviewPermission },
      zoe,
    );
    expect(outcome(preview, inSystem)).toBe(true);
    expect(outcome(preview, inSystemRef)).toBe(true);
    expect(outcome(preview, annotated)).toBe(true);
    expect(outcome(preview, elsewhere)).toBe(false);
    expect(outcome(preview, noProject)).toBe(false);
    // pii stays with owners, even in the project
    expect(outcome(preview, piiInProject)).toBe(false);

    const train = await policy.handle(
      { permission: modelTrainPermission },
      zoe,
    );
    expect(outcome(train, inSystem)).toBe(true);
    expect(outcome(train, elsewhere)).toBe(false);
  });

  it('grants nothing the role does not have, nor permissions without an entity', async () => {
    const restore = await policy.handle(
      { permission: datasetSnapshotRestorePermission },
      zoe,
    );
    expect(outcome(restore, inSystem)).toBe(false);
    await expect(
      policy.handle({ permission: datasetUploadPermission }, zoe),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('names IS_IN_PROJECT with the configured projects', async () => {
    const decision = await policy.handle(
      { permission: modelTrainPermission },
      zoe,
    );
    expect(decision).toMatchObject({
      pluginId: 'kaml-d',
      conditions: {
        anyOf: [
          { rule: 'IS_ENTITY_OWNER' },
          {
            rule: 'IS_IN_PROJECT',
            resourceType: 'catalog-entity',
            params: { projects: ['fraud-detection'] },
          },
        ],
      },
    });
  });

  it('leaves users outside the groups unchanged', async () => {
    const preview = await policy.handle(
      { permission: datasetPreviewPermission },
      asUser('nobody'),
    );
    expect(outcome(preview, inSystem)).toBe(false);
  });

  it.each([
    [{ role: 'admin', groups: ['x'], projects: ['p'] }, /cannot be limited/],
    [
      { role: 'superuser', groups: ['x'], projects: ['p'] },
      /cannot be limited/,
    ],
    [{ role: 'sre', groups: [], projects: ['p'] }, /at least one group/],
    [{ role: 'sre', groups: ['x'], projects: [] }, /at least one group/],
  ])('rejects the project role %j', (entry, message) => {
    expect(() =>
      readProjectRoles(
        new ConfigReader({
          kamlD: { permissions: { projectRoles: [entry] } },
        }),
      ),
    ).toThrow(message);
  });
});
