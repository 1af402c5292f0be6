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
import request from 'supertest';
import catalogModuleKamlD from '..';

/**
 * What the module's tests share: a real catalog backend with the KAML-D module, reading a
 * trusted catalog file of Datasets, Models and their neighbours, and waits for entities to be
 * stitched (states polled, not clocks).
 */

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

export const KINDS = [
  'Group',
  'System',
  'Component',
  'API',
  'Location',
  'Dataset',
  'Model',
];

/** Registers the catalog file in the calling `describe` and returns the helpers. */
export function useCatalogHarness() {
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

  return {
    mockDir,
    bindings,
    startCatalog,
    relations,
    getEntity,
    getEntityWithColumns,
  };
}
