import { forEachLimited } from './limited';

const tick = () => new Promise(resolve => setTimeout(resolve, 1));

describe('forEachLimited', () => {
  it('keeps at most `width` calls in flight and visits every item once', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachLimited(
      Array.from({ length: 50 }, (_, i) => i),
      7,
      async item => {
        inFlight++;
        most = Math.max(most, inFlight);
        await tick();
        seen.push(item);
        inFlight--;
      },
    );
    expect(most).toBe(7);
    expect(seen.sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
  });

  it('after a failure starts nothing new and throws once the calls in flight ended', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = forEachLimited(
      Array.from({ length: 100 }, (_, i) => i),
      8,
      async item => {
        started.push(item);
        if (item === 3) throw new Error('copy of item 3 failed');
        await tick();
        await tick();
        finished.push(item);
      },
    );
    await expect(run).rejects.toThrow('copy of item 3 failed');
    // every call that started, except the failed one, had ended before the error came out
    expect(finished.sort((a, b) => a - b)).toEqual(
      started.filter(i => i !== 3).sort((a, b) => a - b),
    );
    expect(started.length).toBeLessThan(100);
  });
});
