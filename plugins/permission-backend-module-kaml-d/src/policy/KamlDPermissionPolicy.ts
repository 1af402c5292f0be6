import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isResourcePermission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  datasetPreviewPermission,
  datasetQueryPermission,
  HasAccessGrantParams,
  IsInProjectParams,
  KAML_D_ENTITY_RESOURCE_TYPE,
  KAML_D_PERMISSION_PLUGIN_ID,
  KAML_D_RULES,
  kamlDPermissions,
} from '@kaml-d/plugin-kaml-d-common';
import {
  KamlDRole,
  ProjectRole,
  projectsGranting,
  readProjectRoles,
  readRoleGroups,
  ROLE_PERMISSIONS,
  rolesOf,
} from './roles';
import { BasePolicy, baseAllows, readBasePolicy } from './basePolicy';

type Criteria = PermissionCriteria<PermissionCondition<'catalog-entity'>>;

/** A condition on a rule the KAML-D backend evaluates (see KAML_D_RULES). */
function condition<P extends PermissionCondition<'catalog-entity'>['params']>(
  rule: string,
  params: P,
): PermissionCondition<'catalog-entity'> {
  return { rule, resourceType: KAML_D_ENTITY_RESOURCE_TYPE, params };
}

/**
 * Conditions of KAML-D permissions on entities, applied by the KAML-D backend.
 *
 * @public
 */
export const kamlDConditions = {
  isEntityOwner: (params: { claims: string[] }) =>
    condition(KAML_D_RULES.isEntityOwner, params),
  hasSpec: (params: { key: string; value?: string }) =>
    condition(KAML_D_RULES.hasSpec, params),
  hasAccessGrant: (params: HasAccessGrantParams) =>
    condition(KAML_D_RULES.hasAccessGrant, { ...params }),
  isInProject: (params: IsInProjectParams) =>
    condition(KAML_D_RULES.isInProject, { ...params }),
};

function kamlDDecision(
  permission: ResourcePermission<'catalog-entity'>,
  criteria: Criteria[],
): PolicyDecision {
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: KAML_D_PERMISSION_PLUGIN_ID,
    resourceType: permission.resourceType,
    conditions:
      criteria.length === 1
        ? criteria[0]
        : { anyOf: criteria as [Criteria, ...Criteria[]] },
  };
}

function isUserPrincipal(principal: unknown): boolean {
  return (
    typeof principal === 'object' &&
    principal !== null &&
    'type' in principal &&
    principal.type === 'user'
  );
}

const KAML_D_PERMISSION_NAMES = new Set(kamlDPermissions.map(p => p.name));

/** Permissions that read the values of a dataset: a `pii` column restricts them to owners. */
const VALUE_READING = new Set([
  datasetPreviewPermission.name,
  datasetQueryPermission.name,
]);

/** Spec key (flattened like the catalog search table) of a column classification. */
const COLUMN_CLASSIFICATION_KEY = 'schema.columns.classification';

/**
 * The KAML-D permission policy.
 *
 * - Every decision requires a signed-in user: a request without user credentials is denied
 *   (service-to-service calls are allowed by the framework before the policy is asked).
 * - Permissions that are not KAML-D's (catalog, scaffolder, kubernetes, …) follow the base
 *   policy (`kamlD.permissions.basePolicy`): its first rule naming the permission allows every
 *   signed-in user, or admins plus listed groups and roles; its default decides the rest. Without
 *   configuration every signed-in user is allowed them (the embedded demo); the production
 *   configuration limits creating locations, deleting entities, running templates and the
 *   Kubernetes proxy. Admins are allowed every permission.
 * - KAML-D permissions follow the user's roles, derived from group membership
 *   (`kamlD.permissions.roles`). Admins are allowed everything.
 * - A role can also be held on some projects only (`kamlD.permissions.projectRoles`): it then
 *   grants its permissions on entities of those projects (`IS_IN_PROJECT`).
 * - On a Dataset or Model, the owners of the entity may always act on it; a role grants the
 *   permission on entities the user does not own. Previews and queries of a dataset with a
 *   `pii` column are for owners (and admins) only — and for users holding an approved,
 *   unexpired access request (`HAS_ACCESS_GRANT`), which also grants them to users without a
 *   role.
 * - Deciding on access requests (`kaml-d.access.decide`) is for the entity's owners and admins.
 * - Non-entity permissions (upload, audit read) are granted by unrestricted roles only; naming
 *   any owner for an upload (`kaml-d.dataset.assign-owner`) by admins only. Writing into an
 *   existing dataset (`kaml-d.dataset.write`) is for its owners and admins.
 *
 * Decisions on entities are conditional decisions of plugin `kaml-d`, whose backend applies
 * the rules with the entity from the catalog and the grants from its database.
 *
 * @public
 */
export class KamlDPermissionPolicy implements PermissionPolicy {
  private readonly roleGroups: Record<KamlDRole, string[]>;
  private readonly projectRoles: ProjectRole[];
  private readonly basePolicy: BasePolicy;

  constructor(options: { config?: Config } = {}) {
    this.roleGroups = readRoleGroups(options.config);
    this.projectRoles = readProjectRoles(options.config);
    this.basePolicy = readBasePolicy(options.config);
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user || !isUserPrincipal(user.credentials.principal)) {
      return { result: AuthorizeResult.DENY };
    }
    const permission = request.permission;
    const claims = user.info.ownershipEntityRefs;
    const roles = rolesOf(claims, this.roleGroups);
    if (roles.includes('admin')) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!KAML_D_PERMISSION_NAMES.has(permission.name)) {
      return {
        result: baseAllows(this.basePolicy, permission.name, claims, roles)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    const granted = roles.some(role =>
      ROLE_PERMISSIONS[role].includes(permission.name),
    );

    if (!isResourcePermission(permission, 'catalog-entity')) {
      return { result: granted ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }

    const valueReading = VALUE_READING.has(permission.name);
    if (granted && !valueReading) {
      return { result: AuthorizeResult.ALLOW };
    }
    const notPii: Criteria = {
      not: kamlDConditions.hasSpec({
        key: COLUMN_CLASSIFICATION_KEY,
        value: 'pii',
      }),
    };
    const criteria: Criteria[] = [kamlDConditions.isEntityOwner({ claims })];
    if (granted) {
      criteria.push(notPii);
    } else {
      const projects = projectsGranting(
        claims,
        this.projectRoles,
        permission.name,
      );
      if (projects.length > 0) {
        const inProject = kamlDConditions.isInProject({ projects });
        criteria.push(
          valueReading ? { allOf: [inProject, notPii] } : inProject,
        );
      }
    }
    if (valueReading) {
      criteria.push(
        kamlDConditions.hasAccessGrant({
          userEntityRef: user.info.userEntityRef,
          permission: permission.name,
        }),
      );
    }
    return kamlDDecision(permission, criteria);
  }
}
