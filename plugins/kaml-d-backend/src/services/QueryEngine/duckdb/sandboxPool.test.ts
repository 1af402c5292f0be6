import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SandboxAnswer, SandboxJob } from './sandbox';
import { SandboxPool, unwrap } from './sandboxPool';
import { sizedSql } from './sizedResult';

jest.setTimeout(120_000);

describe('SandboxPool', () => {
  let root: string;
  let csv: string;
  const pools: SandboxPool[] = [];
  const pool = (size = 1, heapMb = 256, memoryBytes = 1024 * 2 ** 20) => {
    const created = new SandboxPool({ size, heapMb, memoryBytes });
    pools.push(created);
    return created;
  };
  const rows = (
    sql: string,
    maxRows = 100,
    maxResultBytes = 16 * 2 ** 20,
  ): SandboxJob => ({
    op: 'rows',
    sql: sizedSql(sql, maxRows),
    maxRows,
    prepare: true,
    context: 'The query',
    resultContext: 'The query',
    timeoutMs: 60_000,
    views: [{ name: 'sales', format: 'csv', files: [csv] }],
    aliases: [[csv, 'sales/q1.csv']],
    threads: 1,
    memoryLimit: '256MB',
    maxResultBytes,
  });

  /** The rows an answer holds (its error rethrown). */
  const answered = (answer: SandboxAnswer) => {
    const ok = unwrap(answer);
    if (!('result' in ok)) throw new Error('the answer holds no rows');
    return ok;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-sandbox-pool-'));
    csv = join(root, 'q1.csv');
    await writeFile(csv, 'id,region\n1,north\n2,south\n3,north\n');
  });

  afterAll(async () => {
    await Promise.all(pools.map(p => p.close()));
    await rm(root, { recursive: true, force: true });
  });

  it('runs a query in a process of its own, not in the backend, and reuses the process for small results', async () => {
    const sandboxes = pool();
    const first = answered(
      await sandboxes.run(
        rows('SELECT region, count(*) AS n FROM sales GROUP BY 1 ORDER BY 1'),
      ),
    );
    expect(first).toMatchObject({
      result: {
        rows: [
          ['north', 2],
          ['south', 1],
        ],
        truncated: false,
      },
      recycle: false,
    });
    expect(first.pid).not.toBe(process.pid);
    const second = answered(
      await sandboxes.run(rows('SELECT count(*) FROM sales')),
    );
    expect(second.pid).toBe(first.pid);
  });

  it('ends the process that read large values and runs the next job in a fresh one', async () => {
    const sandboxes = pool();
    const heavy = answered(
      await sandboxes.run(
        rows("SELECT i, repeat('x', 10000) AS s FROM range(500) t(i)", 1000),
      ),
    );
    expect(heavy.recycle).toBe(true);
    expect(heavy.result.rows).toHaveLength(500);
    const next = answered(await sandboxes.run(rows('SELECT 1')));
    expect(next.pid).not.toBe(heavy.pid);
    expect(next.result.rows).toEqual([[1]]);
  });

  it('answers a statement error with the engine words, the server path replaced by the object name', async () => {
    const sandboxes = pool();
    const answer = await sandboxes.run(rows('SELECT nope FROM sales'));
    expect(answer).toMatchObject({ ok: false, userError: true });
    expect(() => unwrap(answer)).toThrow(
      /The query failed: Binder Error.*nope/,
    );
  });

  it('runs more jobs than threads one after another, each answered', async () => {
    const sandboxes = pool(1);
    const answers = await Promise.all(
      [1, 2, 3, 4].map(n => sandboxes.run(rows(`SELECT ${n} AS n`))),
    );
    expect(answers.map(a => answered(a).result.rows)).toEqual([
      [[1]],
      [[2]],
      [[3]],
      [[4]],
    ]);
  });

  it('a sandbox that outgrows its JavaScript heap ends alone: the job answers with an error naming the limits, and the next job runs', async () => {
    const sandboxes = pool(1, 64);
    // 8,000 rows of 9 kB values: within the byte limit, far more than 64 MB as JavaScript
    await expect(
      sandboxes
        .run(
          rows(
            "SELECT i, repeat(chr(CAST(65 + (i % 26) AS INTEGER)), 9000) AS s, repeat('y', 9000) AS t FROM range(8000) t(i)",
            8000,
            2 ** 30,
          ),
        )
        .then(unwrap),
    ).rejects.toThrow(
      /was stopped: its DuckDB sandbox process ended \(.*\), most likely at its memory limit \(1024 MB of data, kamlD.query.duckdb.processMemoryLimit; 64 MB of JavaScript heap\); select fewer rows or columns/,
    );
    const next = answered(
      await sandboxes.run(rows('SELECT count(*) FROM sales')),
    );
    expect(next.result.rows).toEqual([[3]]);
  });

  it('attack: a list DuckDB builds outside its memory_limit fails inside the sandbox at its data limit, not in the backend', async () => {
    const sandboxes = pool(1, 256, 512 * 2 ** 20);
    const rssBefore = process.memoryUsage().rss;
    // 400 million BIGINTs: 3.2 GB; before the sandbox processes this grew the backend to 19 GB
    await expect(
      sandboxes.run(rows('SELECT len(range(400000000)) AS n')).then(unwrap),
    ).rejects.toThrow(
      /The query needed more memory than a query may use \(kamlD.query.duckdb.memoryLimit, processMemoryLimit\) and was stopped; filter or aggregate the data, or select fewer rows. Out of Memory Error/,
    );
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(512 * 2 ** 20);
    const next = answered(
      await sandboxes.run(rows('SELECT count(*) FROM sales')),
    );
    expect(next.result.rows).toEqual([[3]]);
  });

  it('refuses jobs once closed, saying why', async () => {
    const sandboxes = pool();
    await sandboxes.close();
    await expect(sandboxes.run(rows('SELECT 1'))).rejects.toThrow(
      'the DuckDB engine is shut down',
    );
  });
});
