import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { kamlDPlugin } from './plugin';
import { TEST_PROBE_TIMEOUT_MS } from './__testUtils__/bindings';

describe('kaml-d backend plugin', () => {
  async function start() {
    const { server } = await startTestBackend({
      features: [
        kamlDPlugin,
        mockServices.rootConfig.factory({
          data: {
            kamlD: { health: { probeTimeoutMs: TEST_PROBE_TIMEOUT_MS } },
          },
        }),
        // requests without an Authorization header carry no credentials, as in production
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    return server;
  }

  it('rejects GET /health without a token with 401', async () => {
    const server = await start();
    const res = await request(server).get('/api/kaml-d/health');
    expect(res.status).toBe(401);
  });

  it('reports every dependency to a signed-in user', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/kaml-d/health')
      .set('Authorization', mockCredentials.user.header('user:default/alice'));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.dependencies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'database', status: 'up' }),
      ]),
    );
  });

  it('answers a service caller too', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/kaml-d/health')
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
  });
});
