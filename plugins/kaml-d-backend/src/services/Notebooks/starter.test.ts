import { loadCell, readerCall, starterNotebook } from './starter';

describe('starter notebooks', () => {
  it('reads each format with the matching pandas reader', () => {
    const file = (name: string) => ({
      name,
      url: `https://s3/${name}?X-Amz-Signature=a"b`,
    });
    expect(readerCall('csv', file('a.csv'))).toBe(
      'pd.read_csv("https://s3/a.csv?X-Amz-Signature=a\\"b")',
    );
    expect(readerCall('csv', file('a.csv.gz'))).toBe(
      'pd.read_csv("https://s3/a.csv.gz?X-Amz-Signature=a\\"b", compression="gzip")',
    );
    expect(readerCall('tsv', file('a.tsv'))).toContain('sep="\\t"');
    expect(readerCall('parquet', file('p/part-0.parquet'))).toBe(
      'pd.read_parquet("https://s3/p/part-0.parquet?X-Amz-Signature=a\\"b")',
    );
    expect(readerCall('jsonl', file('e.jsonl'))).toContain('lines=True');
    expect(readerCall('json', file('e.ndjson'))).toContain('lines=True');
    expect(readerCall('json', file('e.json'))).not.toContain('lines=True');
  });

  it('loads every file into df in the first code cell and states when the links expire', () => {
    const input = {
      entityRef: 'dataset:default/traffic-counts',
      format: 'parquet' as const,
      files: [
        { name: 'a.parquet', url: 'https://s3/a' },
        { name: 'b.parquet', url: 'https://s3/b' },
      ],
      expiresAt: '2026-12-07T09:00:00.000Z',
      snapshot: 'snap-20261126t070102z-3f9a1c',
    };
    const cell = loadCell(input);
    expect(cell).toContain(
      'dataset:default/traffic-counts at snapshot snap-20261126t070102z-3f9a1c (parquet, 2 files)',
    );
    expect(cell).toContain('expires at 2026-12-07T09:00:00.000Z');
    expect(cell).toContain('df = pd.concat(frames, ignore_index=True)');
    const notebook = starterNotebook(input) as {
      nbformat: number;
      cells: { cell_type: string; source: string[] }[];
    };
    expect(notebook.nbformat).toBe(4);
    const code = notebook.cells.find(c => c.cell_type === 'code')!;
    expect(code.source.join('')).toBe(cell);
  });
});
