import { AnyApiFactory } from '@backstage/core-plugin-api';
import { kamlDApiRef } from '../api';
import { kamlDGovernanceApiRef } from '../api/GovernanceApi';
import { accessRequestsRouteRef, auditRouteRef, rootRouteRef } from '../routes';
import { kamlDLegacyPlugin } from './plugin';

/** The legacy plugin's factory of `apiId`, built on a backend that records what it is asked. */
function clientOf(apiId: string) {
  const factory = [...kamlDLegacyPlugin.getApis()].find(
    (f: AnyApiFactory) => f.api.id === apiId,
  );
  if (!factory) throw new Error(`the legacy plugin has no factory of ${apiId}`);
  const asked: string[] = [];
  const client = factory.factory({
    discoveryApi: {
      getBaseUrl: async (pluginId: string) =>
        `https://portal.example/api/${pluginId}`,
    },
    fetchApi: {
      fetch: async (input: RequestInfo | URL) => {
        asked.push(String(input));
        return new Response(JSON.stringify({ items: [] }), {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        });
      },
    },
  });
  return { client, asked };
}

describe('kamlDLegacyPlugin', () => {
  it('registers the KAML-D client, which asks the kaml-d backend', async () => {
    const { client, asked } = clientOf(kamlDApiRef.id);
    await (client as typeof kamlDApiRef.T).getHealth();
    expect(asked).toEqual(['https://portal.example/api/kaml-d/health']);
  });

  it('registers the governance client, which asks the kaml-d backend', async () => {
    const { client, asked } = clientOf(kamlDGovernanceApiRef.id);
    await (client as typeof kamlDGovernanceApiRef.T).listAccessRequests(
      'mine',
      'pending',
    );
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(
      /^https:\/\/portal\.example\/api\/kaml-d\/access-requests\?/,
    );
  });

  it('mounts the pages on the route refs the components link to', () => {
    // an app binding or mounting `kamlDLegacyPlugin.routes.root` is where the links go
    expect(kamlDLegacyPlugin.routes.root).toBe(rootRouteRef);
    expect(kamlDLegacyPlugin.routes.audit).toBe(auditRouteRef);
    expect(kamlDLegacyPlugin.routes.accessRequests).toBe(
      accessRequestsRouteRef,
    );
  });
});
