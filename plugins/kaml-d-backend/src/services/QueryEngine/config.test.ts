import { JsonObject } from '@backstage/types';
import { ConfigReader } from '@backstage/config';
import { parseByteSize, readQueryConfig } from './config';

const read = (duckdb: JsonObject) =>
  readQueryConfig(new ConfigReader({ kamlD: { query: { duckdb } } }));

describe('DuckDB sandbox memory configuration', () => {
  it.each([
    ['1536MB', 1_536_000_000],
    ['2GiB', 2 * 2 ** 30],
    ['1.5GB', 1_500_000_000],
    ['512 MiB', 512 * 2 ** 20],
  ])('reads %s as %d bytes', (text, bytes) => {
    expect(parseByteSize(text, 'key')).toBe(bytes);
  });

  it.each(['', 'lots', '-1GB', '0MB', '2 parsecs'])(
    'refuses %j, naming the key and the form to write',
    text => {
      expect(() => parseByteSize(text, 'kamlD.query.duckdb.x')).toThrow(
        /kamlD.query.duckdb.x is ".*"; write a size such as 1536MB or 2GiB/,
      );
    },
  );

  it('gives each sandbox process 1536MB by default, and refuses a limit without room above memoryLimit', () => {
    expect(read({}).duckdb.processMemoryBytes).toBe(1_536_000_000);
    expect(
      read({ memoryLimit: '512MB', processMemoryLimit: '1GB' }).duckdb
        .processMemoryBytes,
    ).toBe(1e9);
    expect(() =>
      read({ memoryLimit: '2GB', processMemoryLimit: '2GB' }),
    ).toThrow(
      /processMemoryLimit must exceed kamlD.query.duckdb.memoryLimit \(2GB\) by at least 256MiB/,
    );
  });
});
