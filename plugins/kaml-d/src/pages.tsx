import { PageBlueprint } from '@backstage/frontend-plugin-api';
import ScienceIcon from '@material-ui/icons/Storage';
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
