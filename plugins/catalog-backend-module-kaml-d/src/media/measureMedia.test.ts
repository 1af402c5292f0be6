import {
  FileStorageAdapter,
  StorageAdapter,
  StorageByteRange,
  StorageObjectInfo,
} from '@kaml-d/plugin-kaml-d-node';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { measureMedia } from './measureMedia';

const GENERATOR = resolve(
  __dirname,
  '../../../../scripts/demo-data/generate.ts',
);
const BUCKET = 'kaml-datasets';

let root: string;
let adapter: FileStorageAdapter;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kaml-media-'));
  // the demo datasets, written by the project's generator (PNG and WAV encoders included)
  await promisify(execFile)(process.execPath, [GENERATOR, join(root, BUCKET)]);
  adapter = new FileStorageAdapter(root);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function list(prefix: string): Promise<StorageObjectInfo[]> {
  const objects: StorageObjectInfo[] = [];
  for await (const object of adapter.listRecursive(BUCKET, prefix)) {
    objects.push(object);
  }
  return objects;
}

/** The adapter, recording the key and range of every read. */
function recording(inner: StorageAdapter) {
  const reads: Array<{ key: string; range?: StorageByteRange }> = [];
  const wrapped: StorageAdapter = Object.create(inner);
  wrapped.read = (bucket, key, range) => {
    reads.push({ key, range });
    return inner.read(bucket, key, range);
  };
  return { adapter: wrapped, reads };
}

describe('measureMedia', () => {
  it('counts the PNGs and the labels file and reads 96×96 from a sample of 16 of 36 images', async () => {
    const objects = await list('fingerprint-images/');
    const pngs = objects.filter(o => o.key.endsWith('.png'));
    const { adapter: reader, reads } = recording(adapter);

    const facts = await measureMedia(reader, BUCKET, objects, 'images');

    expect(facts.format).toBe('images');
    expect(facts.mediaFiles).toBe(36);
    expect(facts.mediaBytes).toBe(pngs.reduce((sum, o) => sum + o.size, 0));
    expect(facts.smallestBytes).toBe(Math.min(...pngs.map(o => o.size)));
    expect(facts.largestBytes).toBe(Math.max(...pngs.map(o => o.size)));
    expect(facts.extensions).toEqual([
      { extension: 'png', media: true, count: 36, bytes: facts.mediaBytes },
      {
        extension: 'csv',
        media: false,
        count: 1,
        bytes: objects.find(o => o.key.endsWith('labels.csv'))!.size,
      },
    ]);
    expect(facts.sample).toEqual({ files: 16, of: 36, unreadable: 0 });
    expect(facts.dimensions).toEqual([{ width: 96, height: 96, count: 16 }]);
    // the first 16 images in key order, each through one ranged read of its first bytes
    expect(reads.map(r => r.key).sort()).toEqual(
      pngs
        .map(o => o.key)
        .sort()
        .slice(0, 16),
    );
    for (const { key, range } of reads) {
      const size = pngs.find(o => o.key === key)!.size;
      expect(range).toEqual({ start: 0, end: Math.min(size, 65536) - 1 });
    }
  });

  it('reads sample rate, channels and durations of the WAV clips', async () => {
    const objects = await list('singer-voice-recordings/');

    const facts = await measureMedia(adapter, BUCKET, objects, 'audio', {
      sampleFiles: 30,
    });

    expect(facts.mediaFiles).toBe(24);
    expect(facts.extensions.map(e => [e.extension, e.media, e.count])).toEqual([
      ['wav', true, 24],
      ['csv', false, 1],
    ]);
    expect(facts.sample).toEqual({ files: 24, of: 24, unreadable: 0 });
    expect(facts.sampleRates).toEqual([{ hz: 8000, count: 24 }]);
    expect(facts.channels).toEqual([{ channels: 1, count: 24 }]);
    // takes 1-4 last 0.9, 1.0, 1.1 and 1.2 s
    expect(facts.durationSeconds!.min).toBeCloseTo(0.9, 2);
    expect(facts.durationSeconds!.max).toBeCloseTo(1.2, 2);
    expect(facts.durationSeconds!.mean).toBeCloseTo(1.05, 2);
    expect(facts.dimensions).toBeUndefined();
  });

  it('takes durations from the WAV header when it reads only the first 4 KiB of each clip', async () => {
    const objects = await list('singer-voice-recordings/clips/');
    const { adapter: reader, reads } = recording(adapter);

    const facts = await measureMedia(reader, BUCKET, objects, 'audio', {
      headBytes: 4096,
      sampleFiles: 4,
    });

    // amara-take-1 … amara-take-4: 0.9 to 1.2 s, from clips of 14-19 kB read 4 kB each
    expect(reads.map(r => r.range)).toEqual(
      Array(4).fill({ start: 0, end: 4095 }),
    );
    expect(facts.sample).toEqual({ files: 4, of: 24, unreadable: 0 });
    expect(facts.durationSeconds!.min).toBeCloseTo(0.9, 2);
    expect(facts.durationSeconds!.max).toBeCloseTo(1.2, 2);
    expect(facts.sampleRates).toEqual([{ hz: 8000, count: 4 }]);
  });

  it('samples the first files in key order even from an unsorted listing', async () => {
    const objects = (await list('fingerprint-images/images/')).reverse();
    const { adapter: reader, reads } = recording(adapter);

    await measureMedia(reader, BUCKET, objects, 'images', { sampleFiles: 3 });

    expect(reads.map(r => r.key).sort()).toEqual([
      'fingerprint-images/images/subject-01-left-index.png',
      'fingerprint-images/images/subject-01-left-thumb.png',
      'fingerprint-images/images/subject-01-right-index.png',
    ]);
  });

  it('counts files it cannot read as unreadable and skips manifests and hidden files', async () => {
    const folder = join(root, BUCKET, 'odd-images');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'a-broken.png'), 'not a png at all');
    await writeFile(join(folder, 'b-empty.jpg'), '');
    await writeFile(join(folder, 'catalog-info.yaml'), 'kind: Dataset\n');
    await writeFile(join(folder, '.hidden.png'), 'x');
    const objects = await list('odd-images/');
    const gone = { key: 'odd-images/c-gone.png', size: 10 };

    const facts = await measureMedia(
      adapter,
      BUCKET,
      [...objects, gone],
      'images',
    );

    expect(facts.mediaFiles).toBe(3);
    expect(facts.extensions.map(e => [e.extension, e.count])).toEqual([
      ['png', 2],
      ['jpg', 1],
    ]);
    expect(facts.smallestBytes).toBe(0);
    expect(facts.sample).toEqual({ files: 3, of: 3, unreadable: 3 });
    expect(facts.dimensions).toEqual([]);
  });
});
