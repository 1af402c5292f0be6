import { spawnSync } from 'node:child_process';
import {
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rename,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyDatabaseMigrations } from '../../database/migrations';
import { CREDENTIALS, REF, openHarness } from './__testUtils__/harness';

jest.setTimeout(120_000);

const FILES = 120;

async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, {
      recursive: true,
      withFileTypes: true,
    });
    return entries.filter(e => e.isFile()).map(e => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

/** Runs the child and expects it to die from SIGKILL. */
function runKilled(args: string[], env: Record<string, string>) {
  const result = spawnSync(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      join(__dirname, '__testUtils__', 'crashChild.ts'),
      ...args,
    ],
    { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 90_000 },
  );
  expect({ signal: result.signal, stderr: result.stderr }).toMatchObject({
    signal: 'SIGKILL',
  });
}

describe('snapshot crash safety (child process killed with SIGKILL)', () => {
  let root: string;
  let dbFile: string;
  let data: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-crash-'));
    dbFile = join(root, 'db.sqlite');
    data = join(root, 'datasets', 'big');
    await mkdir(data, { recursive: true });
    for (let i = 0; i < FILES; i++) {
      await writeFile(
        join(data, `part-${String(i).padStart(4, '0')}.csv`),
        `id\n${i}\n`,
      );
    }
    const { db } = openHarness(root, dbFile);
    await applyDatabaseMigrations(db);
    await db.destroy();
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('a snapshot killed midway leaves no listed snapshot and no orphan objects after recovery', async () => {
    runKilled(['snapshot', root, dbFile], {
      KAML_D_TEST_CRASH_AFTER_OBJECTS: '40',
    });
    const snapFolder = join(root, 'datasets', '.kaml-d-snapshots');
    expect((await filesUnder(snapFolder)).length).toBeGreaterThan(0);

    const { db, snapshots } = openHarness(root, dbFile);
    // the killed snapshot is pending, hence invisible, already before recovery
    expect(await snapshots.list(REF, CREDENTIALS)).toEqual([]);
    expect(await snapshots.recover(0)).toEqual({ swept: 1, rolledForward: 0 });
    expect(await snapshots.list(REF, CREDENTIALS)).toEqual([]);
    expect(await filesUnder(snapFolder)).toEqual([]);
    expect(await db('kaml_d_dataset_snapshots')).toEqual([]);
    await db.destroy();
  });

  it('a restore killed midway is rolled forward to the restored state at the next start', async () => {
    let { db, snapshots } = openHarness(root, dbFile);
    const snap = await snapshots.create(REF, { message: 'base' }, CREDENTIALS);
    // change every file and add some
    for (let i = 0; i < FILES; i++) {
      // writers replace files (write + rename), as the file adapter does
      const file = join(data, `part-${String(i).padStart(4, '0')}.csv`);
      await writeFile(`${file}.tmp`, `id\nchanged-${i}\n`);
      await rename(`${file}.tmp`, file);
    }
    await writeFile(join(data, 'extra.csv'), 'id\nextra\n');
    await db.destroy();

    runKilled(['restore', root, dbFile, snap.id], {
      KAML_D_TEST_CRASH_AFTER_RESTORED: '30',
    });
    // midway: a mix of old and new contents
    const contents = await Promise.all(
      Array.from({ length: FILES }, (_, i) =>
        readFile(join(data, `part-${String(i).padStart(4, '0')}.csv`), 'utf8'),
      ),
    );
    expect(contents.some(c => c.includes('changed'))).toBe(true);
    expect(contents.some(c => !c.includes('changed'))).toBe(true);

    ({ db, snapshots } = openHarness(root, dbFile));
    expect(await snapshots.recover(60_000)).toEqual({
      swept: 0,
      rolledForward: 1,
    });
    for (let i = 0; i < FILES; i++) {
      expect(
        await readFile(
          join(data, `part-${String(i).padStart(4, '0')}.csv`),
          'utf8',
        ),
      ).toBe(`id\n${i}\n`);
    }
    expect((await readdir(data)).includes('extra.csv')).toBe(false);
    // the safety snapshot of the changed state is complete and listed
    const list = await snapshots.list(REF, CREDENTIALS);
    expect(list.map(s => s.reason)).toEqual(['before-restore', 'manual']);
    expect(list[0].objectCount).toBe(FILES + 1);
    await db.destroy();
  });
});
