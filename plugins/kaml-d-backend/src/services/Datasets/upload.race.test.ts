import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import http from 'node:http';
import request from 'supertest';
import { parse } from 'yaml';
import { auth, BEFORE, useUploadFixture } from '../../__testUtils__/uploads';

jest.setTimeout(60_000);

describe('uploads: two users and one new dataset name', () => {
  const { start, until, files, bucket } = useUploadFixture();

  type Answer = { status: number; body: UploadAnswer };
  type UploadAnswer = {
    entityRef?: string;
    error?: { name: string; message: string };
  };

  /** The files and manifest of a dataset that `user` created alone. */
  async function expectCreatedBy(user: string, file: string, csv: string) {
    expect(await files()).toEqual(
      [
        ...BEFORE,
        `kaml-datasets/quarterly/${file}`,
        'kaml-datasets/quarterly/catalog-info.yaml',
      ].sort(),
    );
    expect(await readFile(join(bucket(), 'quarterly', file), 'utf8')).toBe(csv);
    const manifest = parse(
      await readFile(join(bucket(), 'quarterly', 'catalog-info.yaml'), 'utf8'),
    );
    expect(manifest.spec.owner).toBe(`user:default/${user}`);
    expect(manifest.spec.location).toBe('s3://kaml-datasets/quarterly/');
  }

  it('attack: while alice\'s upload creates "quarterly", mallory cannot upload into it or become its owner', async () => {
    const server = await start();
    // alice's upload by hand: the field and the start of her file now, the rest held back
    const boundary = 'kaml-race';
    const aliceRequest = http.request({
      host: '127.0.0.1',
      port: server.port(),
      method: 'POST',
      path: '/api/kaml-d/datasets/upload',
      headers: {
        authorization: auth('alice'),
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
    });
    const alice = new Promise<Answer>((resolve, reject) => {
      aliceRequest.on('error', reject);
      aliceRequest.on('response', res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', chunk => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }),
        );
      });
    });
    aliceRequest.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nquarterly\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="alice.csv"\r\nContent-Type: text/csv\r\n\r\nid,amount\n`,
    );
    // her checks passed and her file is being written (as a partial file listings hide)
    await until(async () =>
      (
        await files()
      ).some(f => f.startsWith('kaml-datasets/quarterly/.kaml-partial-')),
    );

    const mallory = await request(server)
      .post('/api/kaml-d/datasets/upload')
      .set('Authorization', auth('mallory'))
      .field('name', 'quarterly')
      .attach('files', Buffer.from('id,amount\n9,999\n'), 'mallory.csv');
    aliceRequest.end(`1,10\n\r\n--${boundary}--\r\n`);
    const aliceAnswer = await alice;

    expect({
      status: mallory.status,
      error: mallory.body.error?.name,
    }).toEqual({ status: 409, error: 'ConflictError' });
    expect(mallory.body.error.message).toBe(
      'The name "quarterly" was just taken by user:default/alice: an upload of theirs is creating dataset:default/quarterly at s3://kaml-datasets/quarterly/ (owner user:default/alice) right now. Choose another name, or once it is done ask user:default/alice for write access (kaml-d.dataset.write) on dataset:default/quarterly. Nothing was written.',
    );
    expect(aliceAnswer).toMatchObject({
      status: 201,
      body: { entityRef: 'dataset:default/quarterly' },
    });
    await expectCreatedBy('alice', 'alice.csv', 'id,amount\n1,10\n');

    // the name stays alice's: a later upload of mallory gets the ordinary refusal
    const later = await request(server)
      .post('/api/kaml-d/datasets/upload')
      .set('Authorization', auth('mallory'))
      .field('name', 'quarterly')
      .attach('files', Buffer.from('id,amount\n9,999\n'), 'mallory.csv');
    expect(later.status).toBe(403);
    expect(later.body.error.message).toContain(
      'holds a dataset of user:default/alice the catalog has not registered yet',
    );
    await expectCreatedBy('alice', 'alice.csv', 'id,amount\n1,10\n');
  });

  it('attack: alice and mallory uploading to the same new name at the same moment: one creates it, the other gets 409 naming them', async () => {
    // both uploads pass their owner checks together: neither has written anything yet
    let arrived = 0;
    let open: () => void = () => undefined;
    const bothChecked = new Promise<void>(resolve => {
      open = resolve;
    });
    const server = await start({
      gate: async () => {
        arrived += 1;
        if (arrived >= 2) open();
        await bothChecked;
      },
    });
    const upload = (user: string) =>
      request(server)
        .post('/api/kaml-d/datasets/upload')
        .set('Authorization', auth(user))
        .field('name', 'quarterly')
        .field('owner', `user:default/${user}`)
        .attach('files', Buffer.from(`id,by\n1,${user}\n`), `${user}.csv`)
        .then(res => ({ user, status: res.status, body: res.body }));
    const answers = await Promise.all([upload('alice'), upload('mallory')]);

    const won = answers.filter(a => a.status === 201);
    const lost = answers.filter(a => a.status !== 201);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const [winner] = won;
    const [loser] = lost;
    expect({ status: loser.status, error: loser.body.error?.name }).toEqual({
      status: 409,
      error: 'ConflictError',
    });
    expect(loser.body.error.message).toContain(
      `The name "quarterly" was just taken by user:default/${winner.user}`,
    );
    expect(loser.body.error.message).toContain('Choose another name');
    await expectCreatedBy(
      winner.user,
      `${winner.user}.csv`,
      `id,by\n1,${winner.user}\n`,
    );
  });
});
