import {
  AuthService,
  PermissionsRegistryService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  createPermissionResourceRef,
  PermissionRule,
} from '@backstage/plugin-permission-node';
import {
  AccessGrant,
  hasActiveAccessGrant,
  HasAccessGrantParams,
  isEntityInProject,
  IsInProjectParams,
  KAML_D_ENTITY_RESOURCE_TYPE,
  KAML_D_PERMISSION_PLUGIN_ID,
  KAML_D_RULES,
  kamlDPermissions,
} from '@kaml-d/plugin-kaml-d-common';
import { z } from 'zod';
import { AccessRequestsService } from './types';
import { EntityRule, entityRules as catalogRules } from './entityRules';

/**
 * What the KAML-D rules look at: a catalog entity and the unexpired access grants on it.
 *
 * @public
 */
export interface KamlDEntityResource {
  entity: Entity;
  grants: AccessGrant[];
}

/** A filter over loaded resources: the query form of the KAML-D rules. */
export type KamlDEntityPredicate = (resource: KamlDEntityResource) => boolean;

/**
 * KAML-D permissions on catalog entities, evaluated by this plugin (`kaml-d`) when the policy
 * answers with a conditional decision whose plugin id is `kaml-d`.
 *
 * @public
 */
export const kamlDEntityPermissionResourceRef = createPermissionResourceRef<
  KamlDEntityResource,
  KamlDEntityPredicate
>().with({
  pluginId: KAML_D_PERMISSION_PLUGIN_ID,
  resourceType: KAML_D_ENTITY_RESOURCE_TYPE,
});

/**
 * A rule as written here. Typed without the framework's params-schema union (whose zod types
 * are too deep for the compiler when checked against each rule); the list is cast once.
 */
interface RuleDefinition<P> {
  name: string;
  description: string;
  resourceType: typeof KAML_D_ENTITY_RESOURCE_TYPE;
  paramsSchema: z.ZodTypeAny;
  apply(resource: KamlDEntityResource, params: P): boolean;
  toQuery(params: P): KamlDEntityPredicate;
}

/** The rules the resource type is registered with. */
export type KamlDEntityPermissionRule = PermissionRule<
  KamlDEntityResource,
  KamlDEntityPredicate,
  typeof KAML_D_ENTITY_RESOURCE_TYPE
>;

const hasAccessGrantSchema = z.object({
  userEntityRef: z.string().describe('User entity ref of the grantee'),
  permission: z
    .string()
    .describe('Permission name, such as kaml-d.dataset.preview'),
});

const isInProjectSchema = z.object({
  projects: z.array(z.string()).describe('Project names'),
});

/** A catalog rule (same name, params and meaning) applied to the resource's entity. */
function fromCatalogRule<P>(rule: EntityRule<P>): RuleDefinition<P> {
  return {
    name: rule.name,
    description: rule.description,
    resourceType: KAML_D_ENTITY_RESOURCE_TYPE,
    paramsSchema: rule.paramsSchema,
    apply: (resource, params) => rule.apply(resource.entity, params),
    toQuery: params => resource => rule.apply(resource.entity, params),
  };
}

/**
 * The rules of KAML-D permissions on entities: the catalog's own rules (`IS_ENTITY_OWNER`,
 * `HAS_SPEC`, …) plus `HAS_ACCESS_GRANT` and `IS_IN_PROJECT`. `now` is the clock of grant
 * expiry.
 *
 * @public
 */
export function createKamlDEntityPermissionRules(
  now: () => Date = () => new Date(),
): KamlDEntityPermissionRule[] {
  const hasAccessGrant: RuleDefinition<HasAccessGrantParams> = {
    name: KAML_D_RULES.hasAccessGrant,
    description:
      'An approved access request grants the user the permission on the entity, and it has not expired',
    resourceType: KAML_D_ENTITY_RESOURCE_TYPE,
    paramsSchema: hasAccessGrantSchema,
    apply: (resource, params) =>
      hasActiveAccessGrant(resource.grants, params, now()),
    toQuery: params => resource =>
      hasActiveAccessGrant(resource.grants, params, now()),
  };
  const isInProject: RuleDefinition<IsInProjectParams> = {
    name: KAML_D_RULES.isInProject,
    description:
      'The entity belongs to one of the projects (kaml-d.io/project annotation, else spec.system)',
    resourceType: KAML_D_ENTITY_RESOURCE_TYPE,
    paramsSchema: isInProjectSchema,
    apply: (resource, params) => isEntityInProject(resource.entity, params),
    toQuery: params => resource => isEntityInProject(resource.entity, params),
  };
  return [
    fromCatalogRule(catalogRules.isEntityOwner),
    fromCatalogRule(catalogRules.hasSpec),
    fromCatalogRule(catalogRules.hasAnnotation),
    fromCatalogRule(catalogRules.hasLabel),
    fromCatalogRule(catalogRules.hasMetadata),
    fromCatalogRule(catalogRules.isEntityKind),
    hasAccessGrant,
    isInProject,
  ] as unknown as KamlDEntityPermissionRule[];
}

/**
 * Registers the KAML-D permissions and the entity resource type with its rules, so the
 * permission backend can apply conditional decisions of plugin `kaml-d`: entities are read
 * from the catalog with this plugin's service credentials, grants from the database.
 *
 * @public
 */
export function registerKamlDEntityPermissions(options: {
  permissionsRegistry: PermissionsRegistryService;
  catalog: CatalogService;
  auth: AuthService;
  accessRequests: AccessRequestsService;
  now?: () => Date;
}) {
  const { permissionsRegistry, catalog, auth, accessRequests } = options;
  permissionsRegistry.addResourceType({
    resourceRef: kamlDEntityPermissionResourceRef,
    permissions: kamlDPermissions.filter(
      p =>
        p.type === 'resource' && p.resourceType === KAML_D_ENTITY_RESOURCE_TYPE,
    ),
    rules: createKamlDEntityPermissionRules(options.now),
    async getResources(resourceRefs) {
      const { items } = await catalog.getEntitiesByRefs(
        { entityRefs: resourceRefs },
        { credentials: await auth.getOwnServiceCredentials() },
      );
      const grants = await accessRequests.activeGrants(resourceRefs);
      return items.map(entity =>
        entity
          ? {
              entity,
              grants:
                grants.get(
                  stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
                ) ?? [],
            }
          : undefined,
      );
    },
  });
  permissionsRegistry.addPermissions(
    kamlDPermissions.filter(p => p.type === 'basic'),
  );
}
