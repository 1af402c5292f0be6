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
  auditReadPermission,
  datasetPreviewPermission,
  datasetQueryPermission,
  datasetSnapshotRestorePermission,
  datasetUploadPermission,
  kamlDPermissions,
  modelDeployPermission,
  modelTrainPermission,
  modelVersionPromotePermission,
} from '@kaml-d/plugin-kaml-d-common';
import { KamlDPermissionPolicy } from './KamlDPermissionPolicy';
import { readRoleGroups } from './roles';

const readCatalog = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
});

type Criteria = PermissionCriteria<PermissionCondition<'catalog-entity'>>;

/** Applies a conditional decision to an entity with the catalog's own rule implementations. */
function applies(criteria: Criteria, entity: Entity): boolean {
  if ('allOf' in criteria) return criteria.allOf.every(c => applies(c, entity));
  if ('anyOf' in criteria) return criteria.anyOf.some(c => applies(c, entity));
  if ('not' in criteria) return !applies(criteria.not, entity);
  const rule = Object.values(permissionRules).find(r => r.name === criteria.rule);
  if (!rule) throw new Error(`unknown rule ${criteria.rule}`);
  return (rule.apply as (e: Entity, p: unknown) => boolean)(entity, criteria.params);
}

/** The outcome a user sees on one entity: allowed or denied. */
function outcome(decision: PolicyDecision, entity?: Entity): boolean {
  if (decision.result !== AuthorizeResult.CONDITIONAL) {
    return decision.result === AuthorizeResult.ALLOW;
  }
  expect(decision.pluginId).toBe('catalog');
  expect(decision.resourceType).toBe('catalog-entity');
  if (!entity) throw new Error('conditional decision for a basic permission');
  return applies(decision.conditions as Criteria, entity);
}

function dataset(name: string, owner: string, pii: boolean): Entity {
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: { name, namespace: 'default' },
    // The catalog's processing turns spec.owner into this relation; the rule reads it.
    relations: [{ type: 'ownedBy', targetRef: owner }],
    spec: {
      owner,
      type: 'tabular',
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
  train: modelTrainPermission,
  deploy: modelDeployPermission,
  promote: modelVersionPromotePermission,
};

// Expected outcome per role on an entity owned by someone else (non-pii, pii).
// Every user is allowed on entities their group owns (checked separately).
const ROLE_TABLE: Record<UserKey, Record<keyof typeof P, [boolean, boolean]>> = {
  scientist: {
    preview: [true, false],
    query: [true, false],
    restore: [false, false],
    train: [true, true],
    deploy: [false, false],
    promote: [true, true],
  },
  engineer: {
    preview: [true, false],
    query: [true, false],
    restore: [true, true],
    train: [false, false],
    deploy: [false, false],
    promote: [false, false],
  },
  sre: {
    preview: [true, false],
    query: [false, false],
    restore: [false, false],
    train: [false, false],
    deploy: [true, true],
    promote: [true, true],
  },
  admin: {
    preview: [true, true],
    query: [true, true],
    restore: [true, true],
    train: [true, true],
    deploy: [true, true],
    promote: [true, true],
  },
  nobody: {
    preview: [false, false],
    query: [false, false],
    restore: [false, false],
    train: [false, false],
    deploy: [false, false],
    promote: [false, false],
  },
};

const BASIC_TABLE: Record<UserKey, { upload: boolean; audit: boolean }> = {
  scientist: { upload: false, audit: false },
  engineer: { upload: true, audit: false },
  sre: { upload: false, audit: true },
  admin: { upload: true, audit: true },
  nobody: { upload: false, audit: false },
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
    });
  });

  it('returns real conditional decisions naming the catalog rules', async () => {
    const decision = await policy.handle(
      { permission: datasetPreviewPermission },
      asUser('scientist'),
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
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
        ],
      },
    });
  });

  it('covers every KAML-D permission in the tables', () => {
    const covered = [
      ...Object.values(P).map(p => p.name),
      datasetUploadPermission.name,
      auditReadPermission.name,
    ];
    expect(covered.sort()).toEqual(kamlDPermissions.map(p => p.name).sort());
  });

  it('takes role groups from kamlD.permissions.roles', async () => {
    const configured = new KamlDPermissionPolicy({
      config: new ConfigReader({
        kamlD: { permissions: { roles: { sre: ['on-call', 'group:ops/pager'] } } },
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
