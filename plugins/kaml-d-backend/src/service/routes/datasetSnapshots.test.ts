import { mockCredentials } from '@backstage/backend-test-utils';
import express from 'express';
import { createHash } from 'node:crypto';
import { open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { useSnapshotReadApp } from '../../__testUtils__/snapshotReads';

jest.setTimeout(60_000);

describe('reading a dataset at a snapshot (file store, real files)', () => {
  const { setup, root } = useSnapshotReadApp();

  const alice = mockCredentials.user.header('user:default/alice');
  const BASE = '/datasets/default/transactions';

  /** Takes a snapshot, then rewrites the data: a.csv gets a new column, b.csv goes, c.csv comes. */
  async function snapshotThenChange(app: express.Express, data: string) {
    const snap = await request(app)
      .post(`${BASE}/snapshots`)
      .set('Authorization', alice)
      .send({ message: 'before the rewrite' })
      .expect(201);
    // writers replace files (new inode), as the file store's own writes do
    await rm(join(data, 'a.csv'));
    await writeFile(join(data, 'a.csv'), 'id,amount,note\n1,15,fixed\n');
    await rm(join(data, 'b.csv'));
    await writeFile(join(data, 'c.csv'), 'id,amount,note\n4,40,new\n');
    return snap.body.id as string;
  }

  it('shows schema, preview and profile as they were at the snapshot', async () => {
    const { app, data } = await setup();
    const id = await snapshotThenChange(app, data);

    const now = await request(app)
      .get(`${BASE}/schema`)
      .set('Authorization', alice)
      .expect(200);
    expect(now.body.columns.map((c: any) => c.name)).toEqual([
      'id',
      'amount',
      'note',
    ]);
    expect(now.body.snapshot).toBeUndefined();

    const then = await request(app)
      .get(`${BASE}/schema?snapshot=${id}`)
      .set('Authorization', alice)
      .expect(200);
    expect(then.body).toMatchObject({
      snapshot: id,
      columns: [
        { name: 'id', type: 'BIGINT' },
        { name: 'amount', type: 'BIGINT' },
      ],
    });

    const preview = await request(app)
      .get(`${BASE}/preview?snapshot=${id}&limit=10`)
      .set('Authorization', alice)
      .expect(200);
    expect(preview.body.snapshot).toBe(id);
    expect(preview.body.rows).toEqual([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    const currentPreview = await request(app)
      .get(`${BASE}/preview`)
      .set('Authorization', alice)
      .expect(200);
    expect(currentPreview.body.rows).toEqual([
      [1, 15, 'fixed'],
      [4, 40, 'new'],
    ]);

    const profile = await request(app)
      .get(`${BASE}/profile?column=amount&snapshot=${id}`)
      .set('Authorization', alice)
      .expect(200);
    expect(profile.body).toMatchObject({
      snapshot: id,
      column: 'amount',
      rows: 3,
      min: '10',
      max: '30',
    });
    // a column that only exists now is not in the snapshot
    const missing = await request(app)
      .get(`${BASE}/profile?column=note&snapshot=${id}`)
      .set('Authorization', alice);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('no column "note"');
  });

  /** Overwrites a file in place: same inode, same size, other bytes (no write-and-rename). */
  async function overwriteInPlace(path: string, bytes: string) {
    const handle = await open(path, 'r+');
    try {
      await handle.write(Buffer.from(bytes), 0, Buffer.byteLength(bytes), 0);
    } finally {
      await handle.close();
    }
  }

  const sha256 = (bytes: Buffer | string) =>
    createHash('sha256').update(bytes).digest('hex');

  /** Each frozen object of a snapshot: its file, bytes and inode as the store holds them now. */
  async function frozenFiles(app: express.Express, id: string) {
    const manifest = await request(app)
      .get(`${BASE}/snapshots/${id}`)
      .set('Authorization', alice)
      .expect(200);
    return Promise.all(
      manifest.body.objects.map(async (o: any) => {
        const file = join(root(), 'datasets', o.storedKey);
        const bytes = await readFile(file);
        // the manifest names the hash of the bytes the blob holds
        expect(o.sha256).toBe(sha256(bytes));
        return {
          path: o.path as string,
          size: o.size as number,
          file,
          sha256: sha256(bytes),
          bytes: bytes.toString('utf8'),
          ino: (await stat(file)).ino,
        };
      }),
    );
  }

  const A = 'id,amount\n1,10\n2,20\n';
  const B = 'id,amount\n3,30\n';
  const SNAPSHOT_ROWS = [
    [1, 10],
    [2, 20],
    [3, 30],
  ];

  async function previewAt(app: express.Express, id: string) {
    const preview = await request(app)
      .get(`${BASE}/preview?snapshot=${id}&limit=10`)
      .set('Authorization', alice)
      .expect(200);
    return preview.body.rows;
  }

  it("attack: overwriting a live file in place after a snapshot leaves the snapshot's bytes, hash and preview unchanged", async () => {
    const { app, data } = await setup();
    const snap = await request(app)
      .post(`${BASE}/snapshots`)
      .set('Authorization', alice)
      .send({ message: 'frozen' })
      .expect(201);
    const id = snap.body.id as string;
    const before = await frozenFiles(app, id);
    expect(before.map(f => [f.path, f.bytes])).toEqual([
      ['a.csv', A],
      ['b.csv', B],
    ]);
    for (const f of before) {
      // no frozen file is the live file under another name
      expect(f.ino).not.toBe((await stat(join(data, f.path))).ino);
    }

    // an insider with write access to the live files rewrites them in place: same inode, size
    await overwriteInPlace(join(data, 'a.csv'), 'id,amount\n6,66\n6,66\n');
    await overwriteInPlace(join(data, 'b.csv'), 'id,amount\n7,77\n');
    expect(await readFile(join(data, 'a.csv'), 'utf8')).toBe(
      'id,amount\n6,66\n6,66\n',
    );

    const after = await frozenFiles(app, id);
    expect(after.map(f => [f.path, f.bytes, f.sha256, f.size])).toEqual([
      ['a.csv', A, sha256(A), Buffer.byteLength(A)],
      ['b.csv', B, sha256(B), Buffer.byteLength(B)],
    ]);
    expect(await previewAt(app, id)).toEqual(SNAPSHOT_ROWS);
    // and the diff names both live files changed
    const diff = await request(app)
      .get(`${BASE}/snapshots/diff?from=${id}&to=current`)
      .set('Authorization', alice)
      .expect(200);
    expect(diff.body.changed.map((c: any) => c.path)).toEqual([
      'a.csv',
      'b.csv',
    ]);
  });

  it('attack: overwriting a restored file in place leaves the restored snapshot unchanged', async () => {
    const { app, data } = await setup();
    const id = await snapshotThenChange(app, data);
    await request(app)
      .post(`${BASE}/snapshots/${id}/restore`)
      .set('Authorization', alice)
      .send({})
      .expect(200);
    expect(await readFile(join(data, 'a.csv'), 'utf8')).toBe(A);
    const frozen = await frozenFiles(app, id);
    for (const f of frozen) {
      expect(f.ino).not.toBe((await stat(join(data, f.path))).ino);
    }

    await overwriteInPlace(join(data, 'a.csv'), 'id,amount\n8,88\n8,88\n');
    await overwriteInPlace(join(data, 'b.csv'), 'id,amount\n9,99\n');

    const after = await frozenFiles(app, id);
    expect(after.map(f => [f.path, f.bytes, f.sha256])).toEqual([
      ['a.csv', A, sha256(A)],
      ['b.csv', B, sha256(B)],
    ]);
    expect(await previewAt(app, id)).toEqual(SNAPSHOT_ROWS);
    // a second restore brings the snapshot's bytes back again
    await request(app)
      .post(`${BASE}/snapshots/${id}/restore`)
      .set('Authorization', alice)
      .send({})
      .expect(200);
    expect(await readFile(join(data, 'a.csv'), 'utf8')).toBe(A);
    expect(await readFile(join(data, 'b.csv'), 'utf8')).toBe(B);
  });

  it('runs SQL over "name@<snapshot id>", also joined with the current data', async () => {
    const { app, data } = await setup();
    const id = await snapshotThenChange(app, data);
    const result = await request(app)
      .post('/query')
      .set('Authorization', alice)
      .send({
        sql: `SELECT old.id, old.amount AS before, now.amount AS after
              FROM "transactions@${id}" old
              LEFT JOIN "default/transactions" now ON now.id = old.id
              ORDER BY old.id`,
      })
      .expect(200);
    expect(result.body.rows).toEqual([
      [1, 10, 15],
      [2, 20, null],
      [3, 30, null],
    ]);
    expect(result.body.datasets).toEqual(['dataset:default/transactions']);
    expect(result.body.snapshots).toEqual([
      { datasetRef: 'dataset:default/transactions', snapshotId: id },
    ]);
  });

  it('answers 400 for a malformed snapshot id, 404 for an unknown one and 403 without the read permission', async () => {
    const { app } = await setup();
    const bad = await request(app)
      .get(`${BASE}/preview?snapshot=../../etc`)
      .set('Authorization', alice);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('snapshot: must be a snapshot id');
    const badSql = await request(app)
      .post('/query')
      .set('Authorization', alice)
      .send({ sql: 'SELECT * FROM "transactions@yesterday"' });
    expect(badSql.status).toBe(400);
    expect(badSql.body.error.message).toContain('name@<snapshot id>');
    const unknown = await request(app)
      .get(`${BASE}/schema?snapshot=snap-20260101t000000z-abcdef`)
      .set('Authorization', alice);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain(
      'No snapshot snap-20260101t000000z-abcdef',
    );
    const unknownSql = await request(app)
      .post('/query')
      .set('Authorization', alice)
      .send({
        sql: 'SELECT * FROM "transactions@snap-20260101t000000z-abcdef"',
      });
    expect(unknownSql.status).toBe(404);

    const denied = await setup({
      deny: ['kaml-d.dataset.preview', 'kaml-d.dataset.query'],
    });
    const noPreview = await request(denied.app)
      .get(`${BASE}/preview?snapshot=snap-20260101t000000z-abcdef`)
      .set('Authorization', alice);
    expect(noPreview.status).toBe(403);
    expect(noPreview.body.error.message).toContain('kaml-d.dataset.preview');
    const noQuery = await request(denied.app)
      .post('/query')
      .set('Authorization', alice)
      .send({
        sql: 'SELECT * FROM "transactions@snap-20260101t000000z-abcdef"',
      });
    expect(noQuery.status).toBe(403);
    expect(noQuery.body.error.message).toContain('kaml-d.dataset.query');
  });
});
