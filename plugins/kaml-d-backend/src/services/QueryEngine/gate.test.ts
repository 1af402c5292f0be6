import { QueryGate, QueryQueueFullError } from './gate';

/** An operation that runs until `finish` is called, and says when it started. */
function operation() {
  let finish = () => {};
  let markStarted = () => {};
  const started = new Promise<void>(resolve => {
    markStarted = resolve;
  });
  const fn = () =>
    new Promise<string>(resolve => {
      markStarted();
      finish = () => resolve('done');
    });
  return { fn, started, finish: () => finish() };
}

describe('QueryGate', () => {
  afterEach(() => jest.useRealTimers());

  it('runs up to maxConcurrent at once, queues the next in order and refuses beyond the queue', async () => {
    const gate = new QueryGate({
      maxConcurrent: 2,
      queueSize: 1,
      queueTimeoutMs: 60_000,
    });
    const [a, b, c, d] = [operation(), operation(), operation(), operation()];
    const ra = gate.run(a.fn);
    const rb = gate.run(b.fn);
    const rc = gate.run(c.fn);
    await Promise.all([a.started, b.started]);
    expect(gate.load).toEqual({ running: 2, waiting: 1 });
    await expect(gate.run(d.fn)).rejects.toThrow(QueryQueueFullError);

    a.finish();
    await expect(ra).resolves.toBe('done');
    await c.started;
    expect(gate.load).toEqual({ running: 2, waiting: 0 });
    b.finish();
    c.finish();
    await expect(Promise.all([rb, rc])).resolves.toEqual(['done', 'done']);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('gives up on a queued operation after the queue timeout, with a time to retry after', async () => {
    jest.useFakeTimers();
    const gate = new QueryGate({
      maxConcurrent: 1,
      queueSize: 5,
      queueTimeoutMs: 10_000,
    });
    const a = operation();
    const ra = gate.run(a.fn);
    const waiting = gate.run(async () => 'never');
    const refused = waiting.catch((e: QueryQueueFullError) => e);
    jest.advanceTimersByTime(10_000);
    const error = await refused;
    expect(error).toBeInstanceOf(QueryQueueFullError);
    expect(error).toMatchObject({ retryAfterSeconds: 5 });
    expect(String(error)).toMatch(/waited 10 s/);
    expect(gate.load).toEqual({ running: 1, waiting: 0 });
    a.finish();
    await expect(ra).resolves.toBe('done');
  });

  it('frees the slot of an operation that fails', async () => {
    const gate = new QueryGate({
      maxConcurrent: 1,
      queueSize: 0,
      queueTimeoutMs: 1000,
    });
    await expect(
      gate.run(async () => {
        throw new Error('engine failed');
      }),
    ).rejects.toThrow('engine failed');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });
});
