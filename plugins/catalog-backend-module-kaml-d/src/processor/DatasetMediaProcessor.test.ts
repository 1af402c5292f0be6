import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { parseMediaFacts } from '@kaml-d/plugin-kaml-d-common';
import {
  FileStorageAdapter,
  StorageAdapter,
  originLocationRef,
  readDatasetBindingPolicy,
} from '@kaml-d/plugin-kaml-d-node';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  DatasetMediaProcessor,
  MEDIA_FACTS_MAX_AGE_MS,
} from './DatasetMediaProcessor';
import { processingCache } from './__testUtils__/processingCache';

const GENERATOR = resolve(
  __dirname,
  '../../../../scripts/demo-data/generate.ts',
);
const BUCKET = 'kaml-datasets';
const SEED = originLocationRef('file', 'catalog/all.yaml');
const HOSTILE = 'url:https://git.example.com/mallory/catalog-info.yaml';

function dataset(
  name: string,
  format: string,
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
      format,
      location: `s3://${BUCKET}/${name}/`,
    },
  };
}

describe('DatasetMediaProcessor', () => {
  let root: string;
  let clock: number;
  let reads: number;
  let available: boolean;
  let processor: DatasetMediaProcessor;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-media-processor-'));
    // the demo image and audio sets, written by the project's generator
    await promisify(execFile)(process.execPath, [
      GENERATOR,
      join(root, BUCKET),
    ]);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  beforeEach(() => {
    clock = Date.parse('2026-12-06T10:00:00Z');
    reads = 0;
    available = true;
    const inner = new FileStorageAdapter(root);
    const adapter: StorageAdapter = Object.create(inner);
    adapter.read = (bucket, key, range) => {
      reads++;
      return inner.read(bucket, key, range);
    };
    adapter.listRecursive = (bucket, prefix) => {
      if (!available) throw new Error('connect ECONNREFUSED');
      return inner.listRecursive(bucket, prefix);
    };
    processor = new DatasetMediaProcessor({
      adapterFor: b => (b === BUCKET ? adapter : undefined),
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
  });

  const run = (entity: Entity, cache = processingCache()) =>
    processor.postProcessEntity(
      entity,
      { type: 'file', target: 'catalog/all.yaml' },
      () => undefined,
      cache,
    );

  it('gives an image Dataset its file counts and the dimensions read from sampled headers', async () => {
    const out = await run(dataset('fingerprint-images', 'images'));
    const facts = parseMediaFacts(out);
    expect(facts).toMatchObject({
      format: 'images',
      dimensions: [{ width: 96, height: 96, count: 16 }],
      sample: { files: 16, unreadable: 0 },
    });
    expect(facts!.mediaFiles).toBe(facts!.sample.of);
    expect(facts!.extensions.find(e => e.extension === 'png')).toMatchObject({
      media: true,
      count: facts!.mediaFiles,
    });
    expect(reads).toBe(16);
  });

  it('gives an audio Dataset durations, sample rate and channels', async () => {
    const out = await run(dataset('singer-voice-recordings', 'audio'));
    const facts = parseMediaFacts(out)!;
    expect(facts.format).toBe('audio');
    expect(facts.mediaFiles).toBeGreaterThan(0);
    expect(facts.sampleRates?.[0].hz).toBeGreaterThan(0);
    expect(facts.channels?.[0].channels).toBeGreaterThan(0);
    expect(facts.durationSeconds?.min).toBeGreaterThan(0);
  });

  it('leaves tabular, unbound and missing Datasets alone', async () => {
    const csv = dataset('fingerprint-images', 'csv');
    expect(await run(csv)).toEqual(csv);
    // mallory's catalog file names the images folder: nothing is read for it
    const hostile = dataset('fingerprint-images', 'images', {
      origin: HOSTILE,
    });
    expect(await run(hostile)).toEqual(hostile);
    const missing = dataset('no-such-folder', 'images');
    expect(await run(missing)).toEqual(missing);
    expect(reads).toBe(0);
  });

  it('measures again when the data changes, and keeps the last facts while the store is down', async () => {
    const cache = processingCache();
    const entity = dataset('fingerprint-images', 'images', {
      annotations: { 'kaml-d.io/size-bytes': '1000' },
    });
    const first = parseMediaFacts(await run(entity, cache))!;
    reads = 0;
    // same facts on the entity: reused however old, nothing is read
    clock += 10 * MEDIA_FACTS_MAX_AGE_MS;
    expect(parseMediaFacts(await run(entity, cache))).toEqual(first);
    expect(reads).toBe(0);

    // a new file changes the size: measured again
    await writeFile(
      join(root, BUCKET, 'fingerprint-images', 'notes.txt'),
      'scanned 2026-12',
    );
    const changed = dataset('fingerprint-images', 'images', {
      annotations: { 'kaml-d.io/size-bytes': '1015' },
    });
    const second = parseMediaFacts(await run(changed, cache))!;
    expect(second.extensions.find(e => e.extension === 'txt')).toMatchObject({
      media: false,
      count: 1,
    });
    expect(reads).toBe(16);

    available = false;
    const later = dataset('fingerprint-images', 'images', {
      annotations: { 'kaml-d.io/size-bytes': '2000' },
    });
    expect(parseMediaFacts(await run(later, cache))).toEqual(second);
  });
});
