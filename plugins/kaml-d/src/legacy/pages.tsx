import { lazyPage } from './extensions';
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
export const KamlDWorkbenchPage = lazyPage(
  'KamlDWorkbenchPage',
  legacyRootRouteRef,
  () => import('./WorkbenchFrame').then(m => m.WorkbenchFrame),
);

/**
 * Platform health for SREs (legacy frontend system): nodes and GPUs, failing runs, unhealthy
 * endpoints, firing alerts, storage. Mount it at `/kaml-d-sre`.
 *
 * @public
 */
export const KamlDSrePage = lazyPage('KamlDSrePage', legacySreRouteRef, () =>
  import('../components/SrePage').then(m => m.SrePage),
);

/**
 * The audit log (legacy frontend system), for users holding `kaml-d.audit.read`. Mount it at
 * `/kaml-d/audit`.
 *
 * @public
 */
export const KamlDAuditPage = lazyPage(
  'KamlDAuditPage',
  legacyAuditRouteRef,
  () => import('../components/AuditPage').then(m => m.AuditPage),
);

/**
 * Access requests (legacy frontend system): the user's own and those to decide. Mount it at
 * `/kaml-d/access-requests`, where the Request access notices and notifications link.
 *
 * @public
 */
export const KamlDAccessRequestsPage = lazyPage(
  'KamlDAccessRequestsPage',
  legacyAccessRequestsRouteRef,
  () => import('../components/AccessRequests').then(m => m.AccessRequestsPage),
);
