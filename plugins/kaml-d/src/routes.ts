import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Workbench page. @public */
export const rootRouteRef = createRouteRef();

/** The audit log (users holding `kaml-d.audit.read`). @public */
export const auditRouteRef = createRouteRef();

/** Access requests: the user's own and those to decide. @public */
export const accessRequestsRouteRef = createRouteRef();
