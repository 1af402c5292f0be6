/**
 * The KAML-D permission policy module for the permission backend.
 *
 * @packageDocumentation
 */

export { permissionModuleKamlDPolicy as default } from './module';
export {
  KamlDPermissionPolicy,
  kamlDConditions,
} from './policy/KamlDPermissionPolicy';
export {
  KAML_D_ROLES,
  DEFAULT_ROLE_GROUPS,
  ROLE_PERMISSIONS,
  readRoleGroups,
  readProjectRoles,
  normalizeGroupRef,
  projectsGranting,
  rolesOf,
} from './policy/roles';
export type { KamlDRole, ProjectRole } from './policy/roles';
export {
  PERMISSIVE_BASE_POLICY,
  baseAllows,
  readBasePolicy,
} from './policy/basePolicy';
export type { BasePolicy, BasePolicyRule } from './policy/basePolicy';
