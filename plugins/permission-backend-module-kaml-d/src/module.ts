import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { KamlDPermissionPolicy } from './policy/KamlDPermissionPolicy';

/**
 * Installs the KAML-D permission policy into the permission backend.
 *
 * @public
 */
export const permissionModuleKamlDPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'kaml-d-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(new KamlDPermissionPolicy({ config }));
      },
    });
  },
});
