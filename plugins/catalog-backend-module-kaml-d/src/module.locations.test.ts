import { mockCredentials } from '@backstage/backend-test-utils';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { useCatalogHarness } from './__testUtils__/catalog';

describe('catalogModuleKamlD: a Location registered through the catalog API', () => {
  jest.setTimeout(60_000);
  const { startCatalog, getEntity } = useCatalogHarness();

  let hostile: Server;
  let yaml = '';
  beforeAll(async () => {
    hostile = createServer((_req, res) => {
      res.setHeader('content-type', 'application/yaml');
      res.end(yaml);
    });
    await new Promise<void>(resolve => hostile.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>(resolve => hostile.close(() => resolve())));

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
