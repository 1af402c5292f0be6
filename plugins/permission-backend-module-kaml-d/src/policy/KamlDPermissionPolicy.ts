import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isResourcePermission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  datasetPreviewPermission,
  datasetQueryPermission,
  kamlDPermissions,
} from '@kaml-d/plugin-kaml-d-common';
import {
  KamlDRole,
  readRoleGroups,
  ROLE_PERMISSIONS,
  rolesOf,
} from './roles';

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
 * - Permissions that are not KAML-D's (catalog, scaffolder, …) are allowed to signed-in users.
 * - KAML-D permissions follow the user's roles, derived from group membership
 *   (`kamlD.permissions.roles`). Admins are allowed everything.
 * - On a Dataset or Model, the owners of the entity may always act on it; a role grants the
 *   permission on entities the user does not own. Previews and queries of a dataset with a
 *   `pii` column are for owners (and admins) only.
 * - Non-entity permissions (upload, audit read) are granted by role only.
 *
 * @public
 */
export class KamlDPermissionPolicy implements PermissionPolicy {
  private readonly roleGroups: Record<KamlDRole, string[]>;

  constructor(options: { config?: Config } = {}) {
    this.roleGroups = readRoleGroups(options.config);
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user || !isUserPrincipal(user.credentials.principal)) {
      return { result: AuthorizeResult.DENY };
    }
    const permission = request.permission;
    if (!KAML_D_PERMISSION_NAMES.has(permission.name)) {
      return { result: AuthorizeResult.ALLOW };
    }

    const claims = user.info.ownershipEntityRefs;
    const roles = rolesOf(claims, this.roleGroups);
    if (roles.includes('admin')) {
      return { result: AuthorizeResult.ALLOW };
    }
    const granted = roles.some(role =>
      ROLE_PERMISSIONS[role].includes(permission.name),
    );

    if (!isResourcePermission(permission, 'catalog-entity')) {
      return { result: granted ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }

    const isOwner = catalogConditions.isEntityOwner({ claims });
    if (!granted) {
      return createCatalogConditionalDecision(permission, isOwner);
    }
    if (VALUE_READING.has(permission.name)) {
      const notPii: PermissionCriteria<PermissionCondition<'catalog-entity'>> =
        {
          not: catalogConditions.hasSpec({
            key: COLUMN_CLASSIFICATION_KEY,
            value: 'pii',
          }),
        };
      return createCatalogConditionalDecision(permission, {
        anyOf: [isOwner, notPii],
      });
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
