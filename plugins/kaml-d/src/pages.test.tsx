import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { srePage } from './pages';
import { sreRouteRef } from './routes';

describe('KAML-D pages', () => {
  it('gives the SRE page (Platform health) a route, so the sidebar lists it', () => {
    const tester = createExtensionTester(srePage);
    expect(tester.get(coreExtensionData.routeRef)).toBe(sreRouteRef);
    expect(tester.get(coreExtensionData.routePath)).toBe('/kaml-d-sre');
  });
});
