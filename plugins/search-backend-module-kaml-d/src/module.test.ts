import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { RegisterCollatorParameters } from '@backstage/plugin-search-backend-node';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import searchModuleKamlDDatasets from '.';

describe('searchModuleKamlDDatasets', () => {
  it('registers the dataset collator with the configured schedule', async () => {
    const collators: RegisterCollatorParameters[] = [];
    const scheduler = mockServices.scheduler.mock();
    await startTestBackend({
      extensionPoints: [
        [
          searchIndexRegistryExtensionPoint,
          {
            addCollator: (c: RegisterCollatorParameters) => collators.push(c),
            addDecorator: () => {},
          },
        ],
      ],
      features: [
        searchModuleKamlDDatasets,
        catalogServiceMock.factory(),
        scheduler.factory,
        mockServices.rootConfig.factory({
          data: {
            search: {
              collators: {
                kamlDDataset: {
                  schedule: {
                    frequency: { minutes: 5 },
                    timeout: { minutes: 2 },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    expect(collators).toHaveLength(1);
    expect(collators[0].factory.type).toBe('kaml-d-dataset');
    expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith({
      frequency: { minutes: 5 },
      timeout: { minutes: 2 },
    });
  });
});
