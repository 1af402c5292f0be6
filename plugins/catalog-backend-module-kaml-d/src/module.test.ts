import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { EventsService, eventsServiceRef } from '@backstage/plugin-events-node';
import { KAML_D_DATASET_EVENTS_TOPIC } from '@kaml-d/plugin-kaml-d-node';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- test only: the catalog runs with the KAML-D backend that reads the schemas
import kamlDPlugin from '@kaml-d/plugin-kaml-d-backend';
import catalogModuleKamlD from '.';

const ENTITIES = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: data-science }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: { name: fraud-detection }
spec: { owner: data-science }
---
apiVersion: kaml-d.io/v1alpha1
kind: Dataset
metadata:
  name: finance-transactions
  tags: [finance, pii]
spec:
  owner: data-science
  lifecycle: production
  system: fraud-detection
  format: csv
  location: s3://kaml-datasets/finance-transactions/
  schema:
    columns:
      - { name: transaction_id, type: varchar }
      - { name: email, type: varchar, classification: pii }
---
apiVersion: kaml-d.io/v1alpha1
kind: Model
metadata: { name: fraud-detector }
spec:
  owner: data-science
  lifecycle: production
  system: fraud-detection
  framework: xgboost
  task: binary-classification
  trainedOn: [finance-transactions]
  serving:
    servedBy: [fraud-detector-service, api:fraud-detector-api]
    runtime: kserve
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: fraud-detector-service }
spec: { type: service, lifecycle: production, owner: data-science, providesApis: [fraud-detector-api] }
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: { name: fraud-detector-api }
spec: { type: openapi, lifecycle: production, owner: data-science, definition: 'openapi: 3.0.0' }
---
apiVersion: kaml-d.io/v1alpha1
kind: Dataset
metadata: { name: broken-dataset }
spec:
  owner: data-science
  lifecycle: experimental
  format: spreadsheet
  location: s3://kaml-datasets/broken/
`;

const KINDS = [
  'Group',
  'System',
  'Component',
  'API',
  'Location',
  'Dataset',
  'Model',
];

describe('catalogModuleKamlD', () => {
  jest.setTimeout(60_000);

  const mockDir = createMockDirectory({
    content: { 'entities.yaml': ENTITIES },
  });

  /** The admin's catalog file, trusted to bind storage (as catalog/all.yaml is in app-config). */
  const bindings = () => ({
    trustedOrigins: [
      { type: 'file', target: mockDir.resolve('entities.yaml') },
    ],
  });

  async function startCatalog(extraConfig: Record<string, unknown> = {}) {
    const processingErrors: { entity: string; message: string }[] = [];
    const errorRecorder = createBackendModule({
      pluginId: 'catalog',
      moduleId: 'test-error-recorder',
      register(reg) {
        reg.registerInit({
          deps: { catalog: catalogProcessingExtensionPoint },
          async init({ catalog }) {
            catalog.setOnProcessingErrorHandler(
              ({ unprocessedEntity, errors }) => {
                for (const error of errors) {
                  processingErrors.push({
                    entity: unprocessedEntity.metadata.name,
                    message: error.message,
                  });
                }
              },
            );
          },
        });
      },
    });
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleKamlD,
        errorRecorder,
        mockServices.rootConfig.factory({
          data: {
            ...extraConfig,
            kamlD: { bindings: bindings() },
            catalog: {
              rules: [{ allow: [...KINDS] }],
              locations: [
                { type: 'file', target: mockDir.resolve('entities.yaml') },
              ],
            },
          },
        }),
      ],
    });
    return { server, processingErrors };
  }

  const relations = (entity: Entity) =>
    (entity.relations ?? []).map(r => `${r.type} ${r.targetRef}`).sort();

  /** The entity once the catalog has stitched `relation` (such as `serves model:default/x`). */
  async function getEntity(
    server: Parameters<typeof request>[0],
    ref: string,
    relation: string,
  ): Promise<Entity> {
    for (let attempt = 0; attempt < 300; attempt++) {
      const res = await request(server)
        .get(`/api/catalog/entities/by-name/${ref}`)
        .set('Authorization', mockCredentials.user.header());
      if (res.status === 200 && relations(res.body).includes(relation)) {
        return res.body;
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    throw new Error(`${ref} never appeared in the catalog with ${relation}`);
  }

  /** The entity once the catalog holds columns for it (read by the KAML-D engine). */
  async function getEntityWithColumns(
    server: Parameters<typeof request>[0],
    ref: string,
  ): Promise<Entity> {
    for (let attempt = 0; attempt < 600; attempt++) {
      const res = await request(server)
        .get(`/api/catalog/entities/by-name/${ref}`)
        .set('Authorization', mockCredentials.user.header());
      if (res.status === 200 && res.body.spec?.schema?.columns?.length) {
        return res.body;
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    throw new Error(`${ref} never got columns in the catalog`);
  }

  it('processes Datasets and Models and stores their relations both ways', async () => {
    const { server, processingErrors } = await startCatalog();

    const model = await getEntity(
      server,
      'model/default/fraud-detector',
      'trainedOn dataset:default/finance-transactions',
    );
    expect(model.spec?.framework).toBe('xgboost');
    expect(relations(model)).toEqual([
      'ownedBy group:default/data-science',
      'partOf system:default/fraud-detection',
      'servedBy api:default/fraud-detector-api',
      'servedBy component:default/fraud-detector-service',
      'trainedOn dataset:default/finance-transactions',
    ]);

    const dataset = await getEntity(
      server,
      'dataset/default/finance-transactions',
      'trainingDataOf model:default/fraud-detector',
    );
    expect(relations(dataset)).toEqual([
      'ownedBy group:default/data-science',
      'partOf system:default/fraud-detection',
      'trainingDataOf model:default/fraud-detector',
    ]);

    await expect(
      getEntity(
        server,
        'component/default/fraud-detector-service',
        'serves model:default/fraud-detector',
      ),
    ).resolves.toBeDefined();
    await expect(
      getEntity(
        server,
        'api/default/fraud-detector-api',
        'serves model:default/fraud-detector',
      ),
    ).resolves.toBeDefined();
    const system = await getEntity(
      server,
      'system/default/fraud-detection',
      'hasPart model:default/fraud-detector',
    );
    expect(relations(system)).toContain(
      'hasPart dataset:default/finance-transactions',
    );

    // the broken dataset is reported with the offending field, and kept out of the catalog
    for (let i = 0; i < 100 && !processingErrors.length; i++) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(processingErrors).toEqual([
      {
        entity: 'broken-dataset',
        message: expect.stringMatching(
          /Invalid Dataset "broken-dataset": \/spec\/format must be equal to one of the allowed values/,
        ),
      },
    ]);
    const broken = await request(server)
      .get('/api/catalog/entities/by-name/dataset/default/broken-dataset')
      .set('Authorization', mockCredentials.user.header());
    expect(broken.status).toBe(404);
  });

  it('makes the new kinds filterable like any other kind', async () => {
    const { server } = await startCatalog();
    await getEntity(
      server,
      'model/default/fraud-detector',
      'ownedBy group:default/data-science',
    );
    const res = await request(server)
      .get('/api/catalog/entity-facets?facet=kind&facet=spec.format')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body.facets.kind).toEqual(
      expect.arrayContaining([
        { value: 'Dataset', count: 1 },
        { value: 'Model', count: 1 },
      ]),
    );
    expect(res.body.facets['spec.format']).toEqual([
      { value: 'csv', count: 1 },
    ]);
  });

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

  describe('a Location registered through the catalog API', () => {
    let hostile: Server;
    let yaml = '';
    beforeAll(async () => {
      hostile = createServer((_req, res) => {
        res.setHeader('content-type', 'application/yaml');
        res.end(yaml);
      });
      await new Promise<void>(resolve =>
        hostile.listen(0, '127.0.0.1', resolve),
      );
    });
    afterAll(
      () => new Promise<void>(resolve => hostile.close(() => resolve())),
    );

    it('attack: cannot publish a Dataset over another team’s folder; the catalog rejects it naming the owner and never stores it', async () => {
      yaml = `
apiVersion: kaml-d.io/v1alpha1
kind: Dataset
metadata: { name: my-copy-of-transactions }
spec:
  owner: user:default/mallory
  lifecycle: experimental
  format: csv
  location: s3://KAML-DATASETS/./finance-transactions
`;
      const { port } = hostile.address() as AddressInfo;
      const { server, processingErrors } = await startCatalog({
        backend: { reading: { allow: [{ host: `127.0.0.1:${port}` }] } },
      });
      await getEntity(
        server,
        'dataset/default/finance-transactions',
        'ownedBy group:default/data-science',
      );
      const registered = await request(server)
        .post('/api/catalog/locations')
        .set('Authorization', mockCredentials.user.header())
        .send({
          type: 'url',
          target: `http://127.0.0.1:${port}/catalog-info.yaml`,
        });
      expect(registered.status).toBe(201);

      let rejection: { entity: string; message: string } | undefined;
      for (let i = 0; i < 300 && !rejection; i++) {
        rejection = processingErrors.find(
          e => e.entity === 'my-copy-of-transactions',
        );
        if (!rejection) await new Promise(resolve => setTimeout(resolve, 100));
      }
      expect(rejection?.message).toContain(
        's3://kaml-datasets/finance-transactions/ is bound to dataset:default/finance-transactions (owner group:default/data-science, by a trusted catalog origin)',
      );
      const stolen = await request(server)
        .get(
          '/api/catalog/entities/by-name/dataset/default/my-copy-of-transactions',
        )
        .set('Authorization', mockCredentials.user.header());
      expect(stolen.status).toBe(404);
    });
  });
});
