import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createPrometheusClient } from './Observation/prometheus';
import { partialFailure, statusCodeOf } from './partialFailure';

describe('partialFailure', () => {
  it("carries the status of a Kubernetes ApiException or a ResponseError, not Node's string codes", () => {
    expect(statusCodeOf(Object.assign(new Error('x'), { code: 403 }))).toBe(
      403,
    );
    expect(statusCodeOf({ statusCode: 502 })).toBe(502);
    expect(
      statusCodeOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })),
    ).toBeUndefined();
    expect(statusCodeOf('plain')).toBeUndefined();
    expect(
      partialFailure('kubernetes', 'lab', 'cluster down', new Error('down')),
    ).toEqual({ source: 'kubernetes', name: 'lab', message: 'cluster down' });
  });

  describe('of a Prometheus that answers with an error status', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        res.statusCode = 503;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: 'error', error: 'overloaded' }));
      });
      await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise(r => server.close(r)));

    it('names the instance and the status it answered with', async () => {
      const client = createPrometheusClient({ name: 'main', url }, 30_000);
      const error = await client.alerts().catch(e => e);
      expect(
        partialFailure('prometheus', client.name, error.message, error),
      ).toEqual({
        source: 'prometheus',
        name: 'main',
        statusCode: 503,
        message: 'Prometheus answered 503: overloaded',
      });
    });
  });
});
