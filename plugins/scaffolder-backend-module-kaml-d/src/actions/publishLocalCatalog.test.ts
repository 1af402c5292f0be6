// The catalog itself (Backstage's catalog backend in a test backend, with the local projects
// UrlReader added the way packages/backend adds it) registers a file: location published under
// kamlD.localProjects.root, as catalog:register asks it to, and refuses one outside the root.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import request from 'supertest';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { localProjectsUrlReaderServiceFactory } from './publishLocalUrlReader';

const COMPONENT = (name: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: experimental
  owner: group:default/data-science
`;

describe('catalog registration of a local project', () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'local-catalog-'));
    await mkdir(join(base, 'projects', 'churn-classifier'), {
      recursive: true,
    });
    await writeFile(
      join(base, 'projects', 'churn-classifier', 'catalog-info.yaml'),
      COMPONENT('churn-classifier'),
    );
    await writeFile(join(base, 'outside.yaml'), COMPONENT('outside'));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('reads the published catalog-info through the reader; nothing outside the root', async () => {
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        localProjectsUrlReaderServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            kamlD: { localProjects: { root: join(base, 'projects') } },
            catalog: {
              rules: [{ allow: ['Component', 'Location'] }],
              processingInterval: { seconds: 1 },
            },
          },
        }),
      ],
    });
    const { server } = backend;
    try {
      const target = pathToFileURL(
        join(base, 'projects', 'churn-classifier', 'catalog-info.yaml'),
      ).toString();
      // catalog:register first adds the location, then asks again with dryRun for the entities
      const added = await request(server)
        .post('/api/catalog/locations')
        .set('authorization', mockCredentials.user.header())
        .send({ type: 'url', target });
      expect(added.status).toBe(201);
      const dryRun = await request(server)
        .post('/api/catalog/locations?dryRun=true')
        .set('authorization', mockCredentials.user.header())
        .send({ type: 'url', target });
      expect(dryRun.status).toBe(201);
      expect(
        dryRun.body.entities.map(
          (e: { metadata: { name: string } }) => e.metadata.name,
        ),
      ).toContain('churn-classifier');
      // the processing loop ingests it
      let status = 0;
      for (let i = 0; i < 60 && status !== 200; i++) {
        status = (
          await request(server)
            .get(
              '/api/catalog/entities/by-name/component/default/churn-classifier',
            )
            .set('authorization', mockCredentials.user.header())
        ).status;
        if (status !== 200) await new Promise(r => setTimeout(r, 500));
      }
      expect(status).toBe(200);

      const outside = await request(server)
        .post('/api/catalog/locations?dryRun=true')
        .set('authorization', mockCredentials.user.header())
        .send({
          type: 'url',
          target: pathToFileURL(join(base, 'outside.yaml')).toString(),
        });
      expect(outside.status).toBeGreaterThanOrEqual(400);
    } finally {
      await backend.stop();
    }
  });
});
