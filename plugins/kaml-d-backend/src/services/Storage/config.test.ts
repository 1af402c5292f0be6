import { ConfigReader } from '@backstage/config';
import { join } from 'node:path';
import { readStorageConfig } from '@kaml-d/plugin-kaml-d-node';
import { parseRange } from './createStorageService';

describe('readStorageConfig', () => {
  it('defaults to the file adapter under KAML_DATA_DIR/storage', () => {
    const config = readStorageConfig(new ConfigReader({}), {
      KAML_DATA_DIR: '/srv/kaml',
    });
    expect(config).toMatchObject({
      adapter: 'file',
      uploadBucket: 'kaml-datasets',
      summaryBuckets: ['kaml-datasets'],
      listConcurrency: 16,
      downloadLinkTtlSeconds: 900,
      file: { root: join('/srv/kaml', 'storage') },
    });
    expect(config.capacityBytes).toBeUndefined();
    expect(config.s3).toBeUndefined();
  });

  it('reads the S3 endpoint, credentials and capacity', () => {
    const config = readStorageConfig(
      new ConfigReader({
        kamlD: {
          storage: {
            adapter: 's3',
            capacityBytes: 5e11,
            summaryBuckets: ['kaml-warehouse', 'kaml-datasets'],
            s3: {
              endpoint: 'http://127.0.0.1:9000',
              accessKeyId: 'k',
              secretAccessKey: 's',
            },
          },
        },
      }),
      {},
    );
    expect(config.summaryBuckets).toEqual(['kaml-datasets', 'kaml-warehouse']);
    expect(config.s3).toEqual({
      endPoint: '127.0.0.1',
      port: 9000,
      useSSL: false,
      region: 'us-east-1',
      accessKey: 'k',
      secretKey: 's',
      pathStyle: true,
    });
  });

  it.each([
    [{ adapter: 's3' }, 'kamlD.storage.s3 is missing'],
    [
      { s3: { endpoint: 'not a url', accessKeyId: 'k', secretAccessKey: 's' } },
      'kamlD.storage.s3.endpoint must be a URL',
    ],
    [
      { s3: { endpoint: 'ftp://x', accessKeyId: 'k', secretAccessKey: 's' } },
      'must use http or https',
    ],
    [
      { listConcurrency: 0 },
      'kamlD.storage.listConcurrency must be a positive whole number',
    ],
    [
      { capacityBytes: -1 },
      'kamlD.storage.capacityBytes must be a positive number',
    ],
    [{ uploadBucket: 'Bad_Bucket' }, 'not a valid bucket name'],
  ])('fails fast on %j', (storage, message) => {
    expect(() =>
      readStorageConfig(new ConfigReader({ kamlD: { storage } }), {}),
    ).toThrow(message);
  });
});

describe('parseRange', () => {
  it('reads single byte ranges against the object size', () => {
    expect(parseRange(undefined, 10)).toBeUndefined();
    expect(parseRange('bytes=0-3', 10)).toEqual({ start: 0, end: 3 });
    expect(parseRange('bytes=5-', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=-4', 10)).toEqual({ start: 6, end: 9 });
    expect(parseRange('bytes=8-100', 10)).toEqual({ start: 8, end: 9 });
  });

  it('refuses ranges it cannot serve', () => {
    expect(() => parseRange('bytes=10-12', 10)).toThrow('outside the object');
    expect(() => parseRange('bytes=0-1,4-5', 10)).toThrow('not supported');
    expect(() => parseRange('items=0-1', 10)).toThrow('not supported');
  });
});
