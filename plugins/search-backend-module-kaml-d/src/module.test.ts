import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  RegisterCollatorParameters,
  RegisterDecoratorParameters,
} from '@backstage/plugin-search-backend-node';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import searchModuleKamlDDatasets from '.';

describe('searchModuleKamlDDatasets', () => {
  it('registers the dataset and model collators with the configured schedule, and the catalog decorator', async () => {
    const collators: RegisterCollatorParameters[] = [];
    const decorators: RegisterDecoratorParameters[] = [];
    const scheduler = mockServices.scheduler.mock();
    await startTestBackend({
      extensionPoints: [
        [
          searchIndexRegistryExtensionPoint,
          {
            addCollator: (c: RegisterCollatorParameters) => collators.push(c),
            addDecorator: (d: RegisterDecoratorParameters) =>
              decorators.push(d),
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
    expect(collators.map(c => c.factory.type)).toEqual([
      'kaml-d-dataset',
      'kaml-d-model',
    ]);
    expect(decorators.map(d => d.factory.types)).toEqual([
      ['software-catalog'],
    ]);
    expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith({
      frequency: { minutes: 5 },
      timeout: { minutes: 2 },
    });
  });
});
