import {
  link,
  mkdir,
  mkdtemp,
  open,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyDatabaseMigrations } from '../../database/migrations';
import { CREDENTIALS, REF, openHarness } from './__testUtils__/harness';

jest.setTimeout(60_000);

describe('snapshots taken as hard links before content-addressed blobs', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-legacy-'));
    await mkdir(join(root, 'datasets', 'big'), { recursive: true });
    await writeFile(join(root, 'datasets', 'big', 'a.csv'), 'id\n1\n');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('attack: an old hard-linked snapshot gets a blob of its own at recovery, so in-place writes no longer reach it', async () => {
    const { db, snapshots } = openHarness(root, join(root, 'db.sqlite'));
    await applyDatabaseMigrations(db);
    const snap = await snapshots.create(REF, { message: 'old' }, CREDENTIALS);
    // make it what the previous code wrote: a hard link to the live file, no hash
    const live = join(root, 'datasets', 'big', 'a.csv');
    const linkedKey = `.kaml-d-snapshots/default/big/${snap.id}/a.csv`;
    await mkdir(join(root, 'datasets', linkedKey, '..'), { recursive: true });
    await link(live, join(root, 'datasets', linkedKey));
    await db('kaml_d_dataset_snapshots')
      .where({ id: snap.id })
      .update({ method: 'hardlink' });
    await db('kaml_d_snapshot_objects')
      .where({ snapshot_id: snap.id })
      .update({ stored_key: linkedKey, sha256: null, last_modified: null });

    await snapshots.recover(60_000);
    const manifest = await snapshots.get(REF, snap.id, CREDENTIALS);
    const [object] = manifest.objects;
    expect(object.storedKey).toMatch(/^\.kaml-d-snapshots\/blobs\/sha256\//);
    const blob = join(root, 'datasets', object.storedKey!);
    expect((await stat(blob)).ino).not.toBe((await stat(live)).ino);
    await expect(stat(join(root, 'datasets', linkedKey))).rejects.toThrow(
      /ENOENT/,
    );

    const handle = await open(live, 'r+');
    await handle.write(Buffer.from('id\n9\n'), 0, 5, 0);
    await handle.close();
    expect(await readFile(blob, 'utf8')).toBe('id\n1\n');
    await db.destroy();
  });
});
