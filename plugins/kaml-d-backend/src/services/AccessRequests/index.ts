export {
  ACCESS_REQUESTS_TABLE,
  createAccessRequestsService,
  ownersOf,
} from './createAccessRequestsService';
export type { AccessRequestsService } from './types';
export {
  kamlDEntityPermissionResourceRef,
  createKamlDEntityPermissionRules,
  registerKamlDEntityPermissions,
} from './permissionRules';
export type { KamlDEntityResource } from './permissionRules';
