import { PageBlueprint } from '@backstage/frontend-plugin-api';
import ScienceIcon from '@material-ui/icons/Storage';
import SpeedIcon from '@material-ui/icons/Speed';
import PolicyIcon from '@material-ui/icons/Policy';
import LockOpenIcon from '@material-ui/icons/LockOpen';
import { ACCESS_REQUESTS_PAGE_PATH } from '@kaml-d/plugin-kaml-d-common';
import {
  accessRequestsRouteRef,
  auditRouteRef,
  rootRouteRef,
  sreRouteRef,
} from './routes';

export const workbenchPage = PageBlueprint.make({
  params: {
    path: '/kaml-d',
    title: 'Workbench',
    icon: <ScienceIcon />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/WorkbenchPage').then(m => <m.WorkbenchPage />),
  },
});

/** The SRE page of the Observation Hub: the platform at a glance. */
export const srePage = PageBlueprint.make({
  name: 'sre',
  params: {
    path: '/kaml-d-sre',
    title: 'Platform health',
    icon: <SpeedIcon />,
    // the app's navigation lists pages that have a route
    routeRef: sreRouteRef,
    loader: () => import('./components/SrePage').then(m => <m.SrePage />),
  },
});

/**
 * The audit log: filter, page and export who did what. The sidebar shows it to users holding
 * `kaml-d.audit.read` (see `AuditLogGate`); others reaching it read which permission they need.
 */
export const auditPage = PageBlueprint.make({
  name: 'audit',
  params: {
    path: '/kaml-d/audit',
    title: 'Audit log',
    icon: <PolicyIcon />,
    routeRef: auditRouteRef,
    loader: () => import('./components/AuditPage').then(m => <m.AuditPage />),
  },
});

/** Access requests: the user's own, and Approve/Deny for owners (the target of notifications). */
export const accessRequestsPage = PageBlueprint.make({
  name: 'access-requests',
  params: {
    path: ACCESS_REQUESTS_PAGE_PATH,
    title: 'Access requests',
    icon: <LockOpenIcon />,
    routeRef: accessRequestsRouteRef,
    loader: () =>
      import('./components/AccessRequests').then(m => <m.AccessRequestsPage />),
  },
});
