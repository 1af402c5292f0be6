import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { searchEngineRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import searchEngineModule from './searchEngine';
import { KamlDLunrSearchEngine } from './searchEngineLunr';

describe('search engine selection', () => {
  async function selectedEngine(config: object) {
    const setSearchEngine = jest.fn();
    await startTestBackend({
      extensionPoints: [[searchEngineRegistryExtensionPoint, { setSearchEngine }]],
      features: [searchEngineModule, mockServices.rootConfig.factory({ data: config })],
    });
    return setSearchEngine;
  }

  it('leaves the engine to the Elasticsearch module when search.elasticsearch is configured', async () => {
    const setSearchEngine = await selectedEngine({
      search: { elasticsearch: { provider: 'elastic', node: 'http://127.0.0.1:9200' } },
    });
    expect(setSearchEngine).not.toHaveBeenCalled();
  });

  it('installs Lunr with the KAML-D query path on the embedded SQLite database', async () => {
    const setSearchEngine = await selectedEngine({});
    expect(setSearchEngine).toHaveBeenCalledTimes(1);
    expect(setSearchEngine.mock.calls[0][0]).toBeInstanceOf(
      KamlDLunrSearchEngine,
    );
  });
});
