import { mockServices } from '@backstage/backend-test-utils';
import { FileStorageAdapter } from '@kaml-d/plugin-kaml-d-node';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinkSigner } from './signing';
import { createStorageService, readStorageConfig } from '.';

describe('storage service: dot-folders are never data', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-hidden-'));
    await mkdir(join(root, 'datasets', 'sales'), { recursive: true });
    await writeFile(join(root, 'datasets', 'sales', 'a.csv'), 'id\n1\n');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  function storage() {
    return createStorageService({
      config: readStorageConfig(
        mockServices.rootConfig({
          data: { kamlD: { storage: { adapter: 'file', file: { root } } } },
        }),
      ),
      cache: mockServices.cache.mock(),
      discovery: mockServices.discovery(),
      signer: createLinkSigner(async () => Buffer.from('secret')),
    });
  }

  it('attack: a Dataset located in the snapshot store (or under any dot-folder) is never resolved, listed or downloaded', async () => {
    // a snapshot was taken: the store holds a frozen blob of sales/a.csv
    const frozen = await new FileStorageAdapter(root).freeze(
      'datasets',
      'sales/a.csv',
      '.kaml-d-snapshots/blobs/',
    );
    const service = storage();
    for (const location of [
      's3://datasets/.kaml-d-snapshots/',
      's3://datasets/.kaml-d-snapshots/blobs/sha256/',
      `file://${root}/datasets/.kaml-d-snapshots/`,
      's3://datasets/sales/.staging/',
    ]) {
      expect(() => service.resolveLocation(location)).toThrow(
        /starts with "\." and is never a dataset/,
      );
    }
    // a dataset at the bucket root cannot browse into the store or download a blob from it
    const bucketRoot = service.resolveLocation('s3://datasets/');
    await expect(
      service.listLevel(bucketRoot, '.kaml-d-snapshots/'),
    ).rejects.toThrow(/starts with "\." and is never a dataset/);
    await expect(
      service.downloadLink(bucketRoot, frozen.storedKey),
    ).rejects.toThrow(/starts with "\." and is never a dataset/);
    // ordinary folders still resolve
    expect(service.resolveLocation('s3://datasets/sales/').prefix).toBe(
      'sales/',
    );
  });
});
