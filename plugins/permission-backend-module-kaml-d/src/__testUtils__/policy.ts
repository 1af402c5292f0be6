import { Entity } from '@backstage/catalog-model';
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
  hasActiveAccessGrant,
  isEntityInProject,
  datasetPreviewPermission,
  datasetQueryPermission,
  datasetSnapshotRestorePermission,
  datasetWritePermission,
  modelDeployPermission,
  modelTrainPermission,
  modelVersionPromotePermission,
} from '@kaml-d/plugin-kaml-d-common';

/** What the KamlDPermissionPolicy tests share: users, a dataset builder, decision appliers. */

export const readCatalog = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
});

export type Criteria = PermissionCriteria<PermissionCondition<'catalog-entity'>>;

export const NOW = new Date('2026-11-26T12:00:00Z');

/**
 * Applies a conditional decision to an entity: the catalog's own rule implementations for the
 * catalog rules, and the shared functions behind HAS_ACCESS_GRANT and IS_IN_PROJECT (the same
 * ones the KAML-D backend registers) with the grants on the entity.
 */
export function applies(
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
export function outcome(
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

export function dataset(
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

export const USERS = {
  scientist: ['user:default/alice', 'group:default/data-science'],
  engineer: ['user:default/bob', 'group:default/data-engineering'],
  sre: ['user:default/carol', 'group:default/ml-platform-sre'],
  admin: ['user:default/dave', 'group:default/admins'],
  nobody: ['user:default/erin'],
} as const;
export type UserKey = keyof typeof USERS;

export function asUser(key: UserKey) {
  const refs = [...USERS[key]];
  return {
    credentials: mockCredentials.user(refs[0]),
    info: { userEntityRef: refs[0], ownershipEntityRefs: refs },
  };
}

export const P = {
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
