/**
 * The KAML-D permission policy module for the permission backend.
 *
 * @packageDocumentation
 */

export { permissionModuleKamlDPolicy as default } from './module';
export { KamlDPermissionPolicy } from './policy/KamlDPermissionPolicy';
export {
  KAML_D_ROLES,
  DEFAULT_ROLE_GROUPS,
  ROLE_PERMISSIONS,
  readRoleGroups,
  rolesOf,
} from './policy/roles';
export type { KamlDRole } from './policy/roles';
