import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  FileStorageAdapter,
  originLocationRef,
  readDatasetBindingPolicy,
} from '@kaml-d/plugin-kaml-d-node';
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  DatasetFactsProcessor,
  FACTS_MAX_AGE_MS,
} from './DatasetFactsProcessor';
import { processingCache } from './__testUtils__/processingCache';

const bucket = 'kaml-datasets';
const SEED = originLocationRef('file', 'catalog/all.yaml');
const HOSTILE = 'url:https://git.example.com/mallory/catalog-info.yaml';

function dataset(
  name: string,
  options: { origin?: string; annotations?: Record<string, string> } = {},
): Entity {
  const origin = options.origin ?? SEED;
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: {
      name,
      annotations: {
        'backstage.io/managed-by-location': origin,
        'backstage.io/managed-by-origin-location': origin,
        ...options.annotations,
      },
    },
    spec: {
      owner: 'data-engineering',
      format: 'csv',
      location: `s3://${bucket}/${name}/`,
    },
  };
}

describe('DatasetFactsProcessor', () => {
  let root: string;
  let clock: number;
  let processor: DatasetFactsProcessor;

  function write(key: string, content: string, mtime?: string) {
    const path = join(root, bucket, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    if (mtime) {
      utimesSync(path, new Date(mtime), new Date(mtime));
    }
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dataset-facts-'));
    clock = Date.parse('2026-12-06T10:00:00Z');
    const adapter = new FileStorageAdapter(root);
    processor = new DatasetFactsProcessor({
      adapterFor: b => (b === bucket ? adapter : undefined),
      bindingPolicy: readDatasetBindingPolicy(
        new ConfigReader({
          kamlD: {
            bindings: {
              trustedOrigins: [{ type: 'file', target: 'catalog/all.yaml' }],
            },
          },
        }),
        {},
      ),
      logger: mockServices.logger.mock(),
      now: () => clock,
    });
    write('weather/2024.csv', 'day,temp\n1,3\n', '2026-11-01T08:00:00Z');
    write('weather/2025.csv', 'day,temp\n1,4\n2,5\n', '2026-11-20T08:00:00Z');
    write('weather/catalog-info.yaml', 'kind: Dataset\n');
    write('weather/.kaml-partial-x', 'half an upload');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const run = (entity: Entity, cache = processingCache()) =>
    processor.postProcessEntity(
      entity,
      { type: 'file', target: 'catalog/all.yaml' },
      () => undefined,
      cache,
    );

  it('gives a Dataset declared in a catalog file the size, file count and last change of its folder', async () => {
    const out = await run(dataset('weather'));
    expect(out.metadata.annotations).toMatchObject({
      'kaml-d.io/size-bytes': String(13 + 17),
      'kaml-d.io/object-count': '2',
      'kaml-d.io/last-modified': '2026-11-20T08:00:00.000Z',
    });
  });

  it('keeps what the author wrote, and leaves discovered, unbound and unreadable Datasets alone', async () => {
    const written = await run(
      dataset('weather', { annotations: { 'kaml-d.io/size-bytes': '999' } }),
    );
    expect(written.metadata.annotations?.['kaml-d.io/size-bytes']).toBe('999');
    expect(written.metadata.annotations?.['kaml-d.io/object-count']).toBe('2');

    const discovered = dataset('weather', {
      annotations: { 'kaml-d.io/discovered-by': 'kaml-d-object-store:local' },
    });
    expect(await run(discovered)).toEqual(discovered);

    // mallory's catalog file points at the weather folder: it learns nothing about it
    const hostile = dataset('weather', { origin: HOSTILE });
    expect(await run(hostile)).toEqual(hostile);

    const elsewhere = {
      ...dataset('weather'),
      spec: { ...dataset('weather').spec, location: 's3://other-bucket/w/' },
    };
    expect(await run(elsewhere)).toEqual(elsewhere);
    const missing = dataset('no-such-folder');
    expect(await run(missing)).toEqual(missing);
  });

  it('lists the folder again once the facts are older than the maximum age', async () => {
    const cache = processingCache();
    await run(dataset('weather'), cache);
    write('weather/2026.csv', 'day,temp\n1,6\n', '2026-12-06T09:00:00Z');
    clock += FACTS_MAX_AGE_MS - 1;
    const reused = await run(dataset('weather'), cache);
    expect(reused.metadata.annotations?.['kaml-d.io/object-count']).toBe('2');
    clock += 2;
    const fresh = await run(dataset('weather'), cache);
    expect(fresh.metadata.annotations).toMatchObject({
      'kaml-d.io/object-count': '3',
      'kaml-d.io/last-modified': '2026-12-06T09:00:00.000Z',
    });
  });
});
