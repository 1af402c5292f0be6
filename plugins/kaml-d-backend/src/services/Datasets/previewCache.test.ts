import { CacheService } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { JsonValue } from '@backstage/types';
import {
  DatasetSource,
  FileStorageAdapter,
  QueryResult,
} from '@kaml-d/plugin-kaml-d-node';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  startKamlDTestBackend,
  testDataset,
} from '../../__testUtils__/bindings';
import { createPreviewCache } from './previewCache';

/** A cache service over a Map (the real one is Backstage's memory or Redis store). */
function mapCache(): CacheService & { entries: Map<string, JsonValue> } {
  const entries = new Map<string, JsonValue>();
  const cache = {
    entries,
    async get<T extends JsonValue>(key: string) {
      return entries.get(key) as T | undefined;
    },
    async set(key: string, value: JsonValue) {
      entries.set(key, value);
    },
    async delete(key: string) {
      entries.delete(key);
    },
    withOptions: () => cache,
  };
  return cache as CacheService & { entries: Map<string, JsonValue> };
}

describe('createPreviewCache', () => {
  let root: string;
  let source: DatasetSource;
  const key = {
    engine: 'duckdb',
    entityRef: 'dataset:default/events',
    maxRows: 100,
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'preview-cache-'));
    await mkdir(join(root, 'kaml-bucket', 'events'), { recursive: true });
    await writeFile(join(root, 'kaml-bucket', 'events', 'a.csv'), 'id\n1\n');
    source = {
      kind: 'objects',
      name: 'events',
      format: 'csv',
      storage: new FileStorageAdapter(root),
      bucket: 'kaml-bucket',
      prefix: 'events/',
    };
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** An engine read that answers the `n`th call with row `[n]`. */
  function counting() {
    let calls = 0;
    const read = async (): Promise<QueryResult> => {
      calls += 1;
      return {
        columns: [{ name: 'id', type: 'INTEGER' }],
        rows: [[calls]],
        truncated: false,
        elapsedMs: 1,
      };
    };
    return { read, calls: () => calls };
  }

  it('answers an unchanged dataset from the cache and reads again once a file changes', async () => {
    const previews = createPreviewCache({ cache: mapCache() });
    const engine = counting();
    const first = await previews.preview(key, source, engine.read);
    const second = await previews.preview(key, source, engine.read);
    expect(second).toEqual(first);
    expect(engine.calls()).toBe(1);

    await writeFile(join(root, 'kaml-bucket', 'events', 'a.csv'), 'id\n1\n2\n');
    const third = await previews.preview(key, source, engine.read);
    expect(third.rows).toEqual([[2]]);
    await writeFile(join(root, 'kaml-bucket', 'events', 'b.csv'), 'id\n3\n');
    expect((await previews.preview(key, source, engine.read)).rows).toEqual([
      [3],
    ]);
    // another row limit or another dataset is another answer
    await previews.preview({ ...key, maxRows: 10 }, source, engine.read);
    await previews.preview(
      { ...key, entityRef: 'dataset:default/other' },
      source,
      engine.read,
    );
    expect(engine.calls()).toBe(5);
  });

  it('shares one engine read between identical previews asked for at the same time', async () => {
    const previews = createPreviewCache({ cache: mapCache() });
    const engine = counting();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        previews.preview(key, source, engine.read),
      ),
    );
    expect(engine.calls()).toBe(1);
    expect(new Set(answers.map(a => JSON.stringify(a.rows)))).toEqual(
      new Set(['[[1]]']),
    );
  });

  it('keys a snapshot by its id without listing, and never caches a Trino table', async () => {
    const previews = createPreviewCache({ cache: mapCache() });
    const engine = counting();
    /** A store that fails any listing: a snapshot's version must not need one. */
    class UnlistableStore extends FileStorageAdapter {
      listRecursive(): never {
        throw new Error('a snapshot is not listed');
      }
    }
    const frozen: DatasetSource = {
      ...(source as Extract<DatasetSource, { kind: 'objects' }>),
      storage: new UnlistableStore(root),
      snapshotId: 'snap-1',
      objects: [],
    };
    await previews.preview(key, frozen, engine.read);
    await previews.preview(key, frozen, engine.read);
    expect(engine.calls()).toBe(1);

    const table: DatasetSource = {
      kind: 'table',
      name: 'events',
      catalog: 'hive',
      schema: 'default',
      table: 'events',
    };
    await previews.preview(key, table, engine.read);
    await previews.preview(key, table, engine.read);
    expect(engine.calls()).toBe(3);
  });

  it('reads the engine every time when turned off, and when the cache is down', async () => {
    const off = createPreviewCache({ cache: mapCache(), enabled: false });
    const engine = counting();
    await off.preview(key, source, engine.read);
    await off.preview(key, source, engine.read);
    expect(engine.calls()).toBe(2);

    const down = mapCache();
    down.get = async () => {
      throw new Error('ECONNREFUSED');
    };
    down.set = async () => {
      throw new Error('ECONNREFUSED');
    };
    const previews = createPreviewCache({ cache: down });
    expect((await previews.preview(key, source, engine.read)).rows).toEqual([
      [3],
    ]);
  });
});

describe('GET /datasets/:namespace/:name/preview with the cache', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'preview-route-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('shows new rows as soon as the file changes, and refuses a caller the cache must not answer', async () => {
    const folder = join(root, 'storage', 'kaml-datasets', 'events');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'part-0.csv'), 'id,region\n1,north\n');
    const { server } = await startKamlDTestBackend({
      root,
      entities: [testDataset('events', 'csv')],
    });
    const auth = mockCredentials.user.header('user:default/alice');
    const preview = () =>
      request(server)
        .get('/api/kaml-d/datasets/default/events/preview')
        .set('Authorization', auth);

    const first = await preview();
    expect(first.status).toBe(200);
    expect(first.body.rows).toEqual([[1, 'north']]);
    expect((await preview()).body.rows).toEqual([[1, 'north']]);

    await writeFile(
      join(folder, 'part-0.csv'),
      'id,region\n1,north\n2,south\n',
    );
    expect((await preview()).body.rows).toEqual([
      [1, 'north'],
      [2, 'south'],
    ]);
    // the cached answer is behind the same authentication as the engine's
    const anonymous = await request(server).get(
      '/api/kaml-d/datasets/default/events/preview',
    );
    expect(anonymous.status).toBe(401);
  });
});
