import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { kamlDApiRef, KamlDClient } from './api';

export const kamlDApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: kamlDApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KamlDClient({ discoveryApi, fetchApi }),
    }),
});
