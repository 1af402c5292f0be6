export { ACCESS_REQUESTS_TABLE } from './store';
export { createAccessRequestsService } from './createAccessRequestsService';
export { ownersOf } from './rules';
export type { AccessRequestsService } from './types';
export {
  kamlDEntityPermissionResourceRef,
  createKamlDEntityPermissionRules,
  registerKamlDEntityPermissions,
} from './permissionRules';
export type { KamlDEntityResource } from './permissionRules';
