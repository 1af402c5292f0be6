/**
 * The KAML-D permission policy module for the permission backend.
 *
 * @packageDocumentation
 */

export { permissionModuleKamlDPolicy as default } from './module';
export { KamlDPermissionPolicy } from './policy/KamlDPermissionPolicy';
