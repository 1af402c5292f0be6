import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { createRouteRef } from '@backstage/core-plugin-api';
import { accessRequestsRouteRef, auditRouteRef, rootRouteRef } from '../routes';

// `convertLegacyRouteRef` gives a new-system ref the legacy shape in place: the legacy ref is the
// very object the components resolve with `useRouteRef`, so an app mounting the pages under any
// path gets links to that path.

/** The Workbench page, as the legacy frontend system mounts it. */
export const legacyRootRouteRef = convertLegacyRouteRef(rootRouteRef);

/** The audit log page, as the legacy frontend system mounts it. */
export const legacyAuditRouteRef = convertLegacyRouteRef(auditRouteRef);

/** The access requests page, as the legacy frontend system mounts it. */
export const legacyAccessRequestsRouteRef = convertLegacyRouteRef(
  accessRequestsRouteRef,
);

/**
 * The SRE page. The new system mounts it without a route ref (nothing links to it); a legacy
 * routable extension needs one to mount on.
 */
export const legacySreRouteRef = createRouteRef({ id: 'kaml-d-sre' });
