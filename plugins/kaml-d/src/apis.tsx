import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { kamlDApiRef, KamlDClient } from './api';
import { kamlDGovernanceApiRef } from './api/GovernanceApi';
import { KamlDGovernanceClient } from './api/GovernanceClient';

export const kamlDApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: kamlDApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KamlDClient({ discoveryApi, fetchApi }),
    }),
});

/** The audit log and access requests. */
export const kamlDGovernanceApi = ApiBlueprint.make({
  name: 'governance',
  params: defineParams =>
    defineParams({
      api: kamlDGovernanceApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KamlDGovernanceClient({ discoveryApi, fetchApi }),
    }),
});
