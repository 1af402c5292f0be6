// Error bodies in production carry no stack trace and no server path: the framework's error
// handler drops stacks unless NODE_ENV is development, and KAML-D's own errors (storage, DuckDB)
// name files by their storage location (bucket/key), never by the server's file system path.
import { mockCredentials } from '@backstage/backend-test-utils';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  startKamlDTestBackend,
  testDataset as dataset,
} from '../__testUtils__/bindings';

const ALICE = mockCredentials.user.header('user:default/alice');
/** An absolute path: a "/" starting a word followed by at least one more segment. */
const ABSOLUTE_PATH = /(^|[\s"'(=:])\/[^\s/"']+\/[^\s"']*/;

describe('error bodies (NODE_ENV=production)', () => {
  let root: string;
  const nodeEnv = process.env.NODE_ENV;

  beforeAll(async () => {
    process.env.NODE_ENV = 'production';
    root = await mkdtemp(join(tmpdir(), 'kaml-d-errors-'));
    const bucket = join(root, 'storage', 'kaml-datasets');
    await mkdir(join(bucket, 'broken'), { recursive: true });
    await writeFile(join(bucket, 'broken', 'data.parquet'), 'not parquet');
    await mkdir(join(bucket, 'ragged'), { recursive: true });
    // bytes that are not UTF-8: DuckDB's CSV reader refuses them
    await writeFile(
      join(bucket, 'ragged', 'data.csv'),
      Buffer.concat([
        Buffer.from('a,b\n1,'),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from('\n'),
      ]),
    );
    // a "file" that is a folder: DuckDB cannot open it
    await mkdir(join(bucket, 'folder', 'part.json', 'inner'), {
      recursive: true,
    });
    await writeFile(join(bucket, 'folder', 'part.json', 'inner', 'x'), '{}');
    await mkdir(join(bucket, 'badjson'), { recursive: true });
    await writeFile(join(bucket, 'badjson', 'rows.jsonl'), '{"a": 1}\n{oops\n');
  });
  afterAll(async () => {
    process.env.NODE_ENV = nodeEnv;
    await rm(root, { recursive: true, force: true });
  });

  it('carry neither stack lines nor the storage root for storage and engine failures', async () => {
    const { server } = await startKamlDTestBackend({
      root,
      entities: [
        dataset('broken', 'parquet'),
        dataset('ragged', 'csv'),
        dataset('folder', 'json'),
        dataset('badjson', 'jsonl'),
        dataset('empty', 'csv'),
      ],
    });
    const calls: Array<[string, string, object?]> = [
      ['get', '/api/kaml-d/datasets/default/broken/preview'],
      ['get', '/api/kaml-d/datasets/default/broken/schema'],
      ['get', '/api/kaml-d/datasets/default/ragged/preview'],
      ['get', '/api/kaml-d/datasets/default/folder/preview'],
      ['get', '/api/kaml-d/datasets/default/badjson/preview'],
      ['get', '/api/kaml-d/datasets/default/empty/preview'],
      ['get', '/api/kaml-d/datasets/default/broken/download?key=nope.csv'],
      ['post', '/api/kaml-d/query', { sql: 'SELECT * FROM "broken"' }],
      ['post', '/api/kaml-d/query', { sql: 'SELECT * FROM "badjson"' }],
      ['post', '/api/kaml-d/query', { sql: 'SELECT nope FROM "ragged"' }],
    ];
    // the check finds what it should
    expect(ABSOLUTE_PATH.test(`File '${root}/x/data.parquet' is bad`)).toBe(
      true,
    );
    expect(ABSOLUTE_PATH.test("File 'kaml-datasets/x/data.parquet'")).toBe(
      false,
    );
    const leaks: string[] = [];
    for (const [method, path, body] of calls) {
      const req = (
        method === 'post'
          ? request(server).post(path)
          : request(server).get(path)
      ).set('Authorization', ALICE);
      const res = await (body ? req.send(body) : req);
      const text = JSON.stringify(res.body);
      expect({ path, failed: res.status >= 400 }).toEqual({
        path,
        failed: true,
      });
      expect(res.body.error).not.toHaveProperty('stack');
      if (
        text.includes(root) ||
        ABSOLUTE_PATH.test(JSON.stringify(res.body.error)) ||
        /\bat \S+ \(/.test(text)
      ) {
        leaks.push(
          `${path} ${JSON.stringify(body ?? '')} ${res.status}: ${text}`,
        );
      }
    }
    expect(leaks).toEqual([]);
  });
});
