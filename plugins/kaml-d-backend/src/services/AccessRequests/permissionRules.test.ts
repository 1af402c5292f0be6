import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AccessGrant } from '@kaml-d/plugin-kaml-d-common';
import {
  createKamlDEntityPermissionRules,
  KamlDEntityResource,
  registerKamlDEntityPermissions,
} from './permissionRules';
import { AccessRequestsService } from './types';

const entity: Entity = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Dataset',
  metadata: {
    name: 'customers',
    namespace: 'default',
    annotations: { 'kaml-d.io/project': 'Churn' },
  },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/risk' }],
  spec: {
    owner: 'group:default/risk',
    system: 'crm',
    schema: { columns: [{ name: 'email', classification: 'pii' }] },
  },
};

const grant: AccessGrant = {
  requestId: 'ar-1',
  entityRef: 'dataset:default/customers',
  grantee: 'user:default/bob',
  permission: 'kaml-d.dataset.preview',
  expiresAt: '2026-11-27T00:00:00.000Z',
};

describe('KAML-D entity permission rules', () => {
  let clock = new Date('2026-11-26T12:00:00Z');
  const rules = createKamlDEntityPermissionRules(() => clock);
  const rule = (name: string) => {
    const found = rules.find(r => r.name === name);
    if (!found) throw new Error(`no rule ${name}`);
    return found as {
      apply(resource: KamlDEntityResource, params: unknown): boolean;
      toQuery(params: unknown): unknown;
    };
  };
  const resource: KamlDEntityResource = { entity, grants: [grant] };

  it('has the catalog rules under their own names and the two KAML-D rules', () => {
    expect(rules.map(r => r.name).sort()).toEqual([
      'HAS_ACCESS_GRANT',
      'HAS_ANNOTATION',
      'HAS_LABEL',
      'HAS_METADATA',
      'HAS_SPEC',
      'IS_ENTITY_KIND',
      'IS_ENTITY_OWNER',
      'IS_IN_PROJECT',
    ]);
    expect(new Set(rules.map(r => r.resourceType))).toEqual(
      new Set(['catalog-entity']),
    );
  });

  it('applies the catalog rules to the entity', () => {
    expect(
      rule('IS_ENTITY_OWNER').apply(resource, {
        claims: ['group:default/risk'],
      }),
    ).toBe(true);
    expect(
      rule('IS_ENTITY_OWNER').apply(resource, { claims: ['user:default/bob'] }),
    ).toBe(false);
    expect(
      rule('HAS_SPEC').apply(resource, {
        key: 'schema.columns.classification',
        value: 'pii',
      }),
    ).toBe(true);
  });

  it('HAS_ACCESS_GRANT holds for the grantee and permission until expiresAt', () => {
    const hasGrant = rule('HAS_ACCESS_GRANT');
    const params = {
      userEntityRef: 'user:default/bob',
      permission: 'kaml-d.dataset.preview',
    };
    expect(hasGrant.apply(resource, params)).toBe(true);
    expect(
      hasGrant.apply(resource, {
        ...params,
        permission: 'kaml-d.dataset.query',
      }),
    ).toBe(false);
    expect(
      hasGrant.apply(resource, {
        ...params,
        userEntityRef: 'user:default/erin',
      }),
    ).toBe(false);
    const query = hasGrant.toQuery(params) as (
      r: KamlDEntityResource,
    ) => boolean;
    expect(query(resource)).toBe(true);
    clock = new Date(grant.expiresAt);
    expect(hasGrant.apply(resource, params)).toBe(false);
    expect(query(resource)).toBe(false);
  });

  it('IS_IN_PROJECT reads the project annotation before spec.system', () => {
    const inProject = rule('IS_IN_PROJECT');
    expect(inProject.apply(resource, { projects: ['churn'] })).toBe(true);
    expect(inProject.apply(resource, { projects: ['crm'] })).toBe(false);
    const bySystem = {
      entity: { ...entity, metadata: { name: 'x', namespace: 'default' } },
      grants: [],
    };
    expect(inProject.apply(bySystem, { projects: ['CRM'] })).toBe(true);
    expect(inProject.apply(bySystem, { projects: [] })).toBe(false);
  });

  it('loads entities from the catalog and their unexpired grants', async () => {
    const registry = mockServices.permissionsRegistry.mock();
    const activeGrants = jest.fn(async (refs: string[]) => {
      const map = new Map<string, AccessGrant[]>(refs.map(r => [r, []]));
      map.set('dataset:default/customers', [grant]);
      return map;
    });
    registerKamlDEntityPermissions({
      permissionsRegistry: registry,
      catalog: catalogServiceMock({ entities: [entity] }),
      auth: mockServices.auth(),
      accessRequests: { activeGrants } as unknown as AccessRequestsService,
    });
    const options = registry.addResourceType.mock.calls[0][0] as {
      getResources(
        refs: string[],
      ): Promise<(KamlDEntityResource | undefined)[]>;
      permissions: { name: string }[];
    };
    expect(options.permissions.map(p => p.name)).toContain(
      'kaml-d.dataset.preview',
    );
    const loaded = await options.getResources([
      'dataset:default/customers',
      'dataset:default/missing',
    ]);
    expect(loaded[0]?.entity.metadata.name).toBe('customers');
    expect(loaded[0]?.grants).toEqual([grant]);
    expect(loaded[1]).toBeUndefined();
    expect(registry.addPermissions).toHaveBeenCalledWith(
      expect.arrayContaining([
        expect.objectContaining({ name: 'kaml-d.dataset.upload' }),
      ]),
    );
  });
});
