import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Workbench page. @public */
export const rootRouteRef = createRouteRef();

/** The audit log (users holding `kaml-d.audit.read`). @public */
export const auditRouteRef = createRouteRef();

/** Access requests: the user's own and those to decide. @public */
export const accessRequestsRouteRef = createRouteRef();

/** The SRE page (Platform health): with a route it is an item of the sidebar. @public */
export const sreRouteRef = createRouteRef();
