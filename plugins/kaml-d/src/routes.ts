import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Workbench page. @public */
export const rootRouteRef = createRouteRef();
