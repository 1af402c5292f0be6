import { createHealthService } from './createHealthService';

describe('createHealthService', () => {
  it('says ok when every dependency answers', async () => {
    const health = createHealthService({
      version: '1.2.3',
      probes: [{ name: 'database', kind: 'pg', check: async () => {} }],
    });
    await expect(health.check()).resolves.toEqual({
      status: 'ok',
      version: '1.2.3',
      dependencies: [{ name: 'database', kind: 'pg', status: 'up' }],
    });
  });

  it('names the dependency that is down and why, and still reports the others', async () => {
    const health = createHealthService({
      version: '1',
      probes: [
        { name: 'database', check: async () => {} },
        {
          name: 'storage',
          kind: 's3',
          check: async () => {
            throw new Error('connect ECONNREFUSED 127.0.0.1:9000');
          },
        },
      ],
    });
    const report = await health.check();
    expect(report.status).toBe('degraded');
    expect(report.dependencies).toEqual([
      { name: 'database', status: 'up', kind: undefined },
      {
        name: 'storage',
        kind: 's3',
        status: 'down',
        message: 'connect ECONNREFUSED 127.0.0.1:9000',
      },
    ]);
  });

  it('reports a dependency that hangs as down after the time limit', async () => {
    const health = createHealthService({
      version: '1',
      timeoutMs: 50,
      probes: [{ name: 'query-engine', check: () => new Promise(() => {}) }],
    });
    const report = await health.check();
    expect(report.dependencies[0]).toMatchObject({
      name: 'query-engine',
      status: 'down',
      message: 'query-engine did not answer within 50 ms',
    });
  });
});
