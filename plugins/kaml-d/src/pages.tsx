import { PageBlueprint } from '@backstage/frontend-plugin-api';
import ScienceIcon from '@material-ui/icons/Storage';
import SpeedIcon from '@material-ui/icons/Speed';
import { rootRouteRef } from './routes';

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
    loader: () => import('./components/SrePage').then(m => <m.SrePage />),
  },
});
