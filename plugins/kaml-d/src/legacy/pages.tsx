import { createRoutableExtension } from '@backstage/core-plugin-api';
import { withCompat } from './compat';
import { kamlDLegacyPlugin } from './plugin';
import {
  legacyAccessRequestsRouteRef,
  legacyAuditRouteRef,
  legacyRootRouteRef,
  legacySreRouteRef,
} from './routes';

/**
 * The Workbench (legacy frontend system): search, storage, datasets, Upload, platform status,
 * catalog problems. Mount it at `/kaml-d`.
 *
 * @public
 */
export const KamlDWorkbenchPage = kamlDLegacyPlugin.provide(
  createRoutableExtension({
    name: 'KamlDWorkbenchPage',
    mountPoint: legacyRootRouteRef,
    component: () =>
      import('./WorkbenchFrame').then(m =>
        withCompat(m.WorkbenchFrame, 'KamlDWorkbenchPage'),
      ),
  }),
);

/**
 * Platform health for SREs (legacy frontend system): nodes and GPUs, failing runs, unhealthy
 * endpoints, firing alerts, storage. Mount it at `/kaml-d-sre`.
 *
 * @public
 */
export const KamlDSrePage = kamlDLegacyPlugin.provide(
  createRoutableExtension({
    name: 'KamlDSrePage',
    mountPoint: legacySreRouteRef,
    component: () =>
      import('../components/SrePage').then(m =>
        withCompat(m.SrePage, 'KamlDSrePage'),
      ),
  }),
);

/**
 * The audit log (legacy frontend system), for users holding `kaml-d.audit.read`. Mount it at
 * `/kaml-d/audit`.
 *
 * @public
 */
export const KamlDAuditPage = kamlDLegacyPlugin.provide(
  createRoutableExtension({
    name: 'KamlDAuditPage',
    mountPoint: legacyAuditRouteRef,
    component: () =>
      import('../components/AuditPage').then(m =>
        withCompat(m.AuditPage, 'KamlDAuditPage'),
      ),
  }),
);

/**
 * Access requests (legacy frontend system): the user's own and those to decide. Mount it at
 * `/kaml-d/access-requests`, where the Request access notices and notifications link.
 *
 * @public
 */
export const KamlDAccessRequestsPage = kamlDLegacyPlugin.provide(
  createRoutableExtension({
    name: 'KamlDAccessRequestsPage',
    mountPoint: legacyAccessRequestsRouteRef,
    component: () =>
      import('../components/AccessRequests').then(m =>
        withCompat(m.AccessRequestsPage, 'KamlDAccessRequestsPage'),
      ),
  }),
);
