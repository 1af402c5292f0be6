import { Entity } from '@backstage/catalog-model';
import { readWhileDataUnchanged } from './dataFactsCache';
import { processingCache } from './__testUtils__/processingCache';

function dataset(
  location: string,
  annotations: Record<string, string> = {},
): Entity & { spec: { location: string } } {
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: { name: 'weather', annotations },
    spec: { owner: 'data-engineering', format: 'csv', location },
  };
}

describe('readWhileDataUnchanged', () => {
  const MAX_AGE = 5 * 60 * 1000;
  let now: number;
  let reads: number;
  let answer: string | undefined;
  const cache = processingCache();

  const read = (entity: Entity & { spec: { location: string } }) =>
    readWhileDataUnchanged<string>({
      entity,
      cache,
      name: 'test',
      parts: ['csv'],
      maxAgeMs: MAX_AGE,
      now,
      read: async () => {
        reads++;
        return answer;
      },
    });

  beforeEach(() => {
    now = Date.parse('2026-12-06T10:00:00Z');
    reads = 0;
  });

  it('reads again only when the facts of the data change, however old the value is', async () => {
    const loc = 's3://kaml-datasets/weather-a/';
    answer = 'first';
    expect(await read(dataset(loc, { 'kaml-d.io/size-bytes': '10' }))).toBe(
      'first',
    );
    answer = 'second';
    now += 10 * MAX_AGE;
    expect(await read(dataset(loc, { 'kaml-d.io/size-bytes': '10' }))).toBe(
      'first',
    );
    expect(reads).toBe(1);
    expect(await read(dataset(loc, { 'kaml-d.io/size-bytes': '11' }))).toBe(
      'second',
    );
    expect(reads).toBe(2);
  });

  it('without facts, reads again once the value is older than the maximum age', async () => {
    const loc = 's3://kaml-datasets/weather-b/';
    answer = 'first';
    await read(dataset(loc));
    answer = 'second';
    now += MAX_AGE - 1;
    expect(await read(dataset(loc))).toBe('first');
    now += 2;
    expect(await read(dataset(loc))).toBe('second');
  });

  it('keeps the last value of the same location while reading finds nothing, and none of another', async () => {
    const loc = 's3://kaml-datasets/weather-c/';
    answer = 'first';
    await read(dataset(loc, { 'kaml-d.io/size-bytes': '1' }));
    answer = undefined;
    expect(await read(dataset(loc, { 'kaml-d.io/size-bytes': '2' }))).toBe(
      'first',
    );
    expect(
      await read(dataset('s3://kaml-datasets/elsewhere/')),
    ).toBeUndefined();
  });
});
