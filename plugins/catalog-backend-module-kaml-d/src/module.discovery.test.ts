import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { EventsService, eventsServiceRef } from '@backstage/plugin-events-node';
import { KAML_D_DATASET_EVENTS_TOPIC } from '@kaml-d/plugin-kaml-d-node';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- test only: the catalog runs with the KAML-D backend that reads the schemas
import kamlDPlugin from '@kaml-d/plugin-kaml-d-backend';
import catalogModuleKamlD from '.';
import { KINDS, useCatalogHarness } from './__testUtils__/catalog';

describe('catalogModuleKamlD: discovery', () => {
  jest.setTimeout(60_000);
  const { mockDir, bindings, getEntityWithColumns } = useCatalogHarness();

  it('discovers datasets in the configured store, with the columns the engine reads, and adds an upload within seconds of its event', async () => {
    const storageRoot = mockDir.resolve('storage');
    mockDir.addContent({
      'storage/kaml-datasets/sales/2024-01.csv': 'region,total\neu,3\n',
      // a JSON file holding an array, which the old hand-written readers gave no schema
      'storage/kaml-datasets/stations/stations.json': JSON.stringify([
        { station_id: 'ST-1', opened: '2019-04-01', elevation_m: 412.5 },
        { station_id: 'ST-2', opened: '2020-09-15', elevation_m: 388 },
      ]),
    });
    let events: EventsService | undefined;
    const eventsCapture = createBackendModule({
      pluginId: 'catalog',
      moduleId: 'test-events',
      register(reg) {
        reg.registerInit({
          deps: { service: eventsServiceRef },
          async init({ service }) {
            events = service;
          },
        });
      },
    });
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleKamlD,
        // the KAML-D backend: its query engine reads the columns the catalog stores
        kamlDPlugin,
        eventsCapture,
        mockServices.rootConfig.factory({
          data: {
            kamlD: {
              storage: { adapter: 'file', file: { root: storageRoot } },
              bindings: bindings(),
            },
            catalog: {
              rules: [{ allow: [...KINDS] }],
              locations: [
                { type: 'file', target: mockDir.resolve('entities.yaml') },
              ],
              providers: {
                kamlD: {
                  objectStore: [
                    {
                      id: 'local',
                      location: 's3://kaml-datasets/',
                      owner: 'data-science',
                      // no second scan during the test: the upload can only arrive by event
                      schedule: {
                        frequency: { hours: 12 },
                        timeout: { minutes: 1 },
                      },
                    },
                  ],
                },
              },
            },
          },
        }),
      ],
    });

    const sales = await getEntityWithColumns(server, 'dataset/default/sales');
    expect(sales.spec).toMatchObject({
      format: 'csv',
      location: 's3://kaml-datasets/sales/',
      schema: {
        columns: [
          { name: 'region', type: 'VARCHAR' },
          { name: 'total', type: 'BIGINT' },
        ],
      },
    });
    expect(sales.metadata.annotations?.['kaml-d.io/schema-source']).toBe(
      'engine:duckdb',
    );
    const stations = await getEntityWithColumns(
      server,
      'dataset/default/stations',
    );
    expect(stations.spec).toMatchObject({
      format: 'json',
      schema: {
        columns: [
          { name: 'station_id', type: 'VARCHAR' },
          { name: 'opened', type: 'DATE' },
          { name: 'elevation_m', type: 'DOUBLE' },
        ],
      },
    });

    const manifest = {
      apiVersion: 'kaml-d.io/v1alpha1',
      kind: 'Dataset',
      metadata: {
        name: 'uploaded-orders',
        description: 'Orders uploaded in the Workbench',
      },
      spec: {
        owner: 'data-science',
        lifecycle: 'experimental',
        format: 'csv',
        location: 's3://kaml-datasets/uploaded-orders/',
      },
    };
    mockDir.addContent({
      'storage/kaml-datasets/uploaded-orders/orders.csv':
        'order_id,amount\n1,2.5\n',
      'storage/kaml-datasets/uploaded-orders/catalog-info.yaml':
        JSON.stringify(manifest),
    });
    const started = Date.now();
    await events!.publish({
      topic: KAML_D_DATASET_EVENTS_TOPIC,
      eventPayload: {
        action: 'uploaded',
        entity: manifest,
        location: 's3://kaml-datasets/uploaded-orders/',
        bucket: 'kaml-datasets',
        manifestKey: 'uploaded-orders/catalog-info.yaml',
        keys: ['orders.csv'],
        uploadedBy: 'user:default/mock',
      },
    });
    const uploaded = await getEntityWithColumns(
      server,
      'dataset/default/uploaded-orders',
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(uploaded.metadata.description).toBe(
      'Orders uploaded in the Workbench',
    );
    expect(uploaded.spec?.schema).toEqual({
      columns: [
        { name: 'order_id', type: 'BIGINT' },
        { name: 'amount', type: 'DOUBLE' },
      ],
    });
  });
});
