import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { kamlDApiRef, KamlDClient } from './api';
import { kamlDGovernanceApiRef } from './api/GovernanceApi';
import { KamlDGovernanceClient } from './api/GovernanceClient';
import { kamlDNotebooksApiRef } from './api/NotebooksApi';
import { KamlDNotebooksClient } from './api/NotebooksClient';

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

/** Starter notebooks in JupyterHub and the user's servers. */
export const kamlDNotebooksApi = ApiBlueprint.make({
  name: 'notebooks',
  params: defineParams =>
    defineParams({
      api: kamlDNotebooksApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KamlDNotebooksClient({ discoveryApi, fetchApi }),
    }),
});
