import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { auth, BEFORE, useUploadFixture } from '../../__testUtils__/uploads';

jest.setTimeout(60_000);

describe('uploads: owner, write permission, hidden names, nothing left behind', () => {
  const { start, files, bucket } = useUploadFixture();

  it.each([
    {
      title:
        'attack: an upload owned by group:default/finance from a user not in finance is refused and writes nothing',
      fields: [
        ['name', 'quarterly'],
        ['owner', 'group:default/finance'],
      ],
      attached: [['id\n1\n', 'q.csv']],
      status: 403,
      message: 'You may not make group:default/finance the owner',
    },
    {
      title:
        "attack: an upload into another team's existing dataset is refused and writes nothing",
      fields: [['name', 'finance-tx']],
      attached: [['id,amount\n2,666\n', 'extra.csv']],
      status: 403,
      message:
        's3://kaml-datasets/finance-tx/ holds dataset:default/finance-tx (owner group:default/finance); you may not add to it (kaml-d.dataset.write)',
    },
    {
      title:
        'attack: a file named .kaml-partial-x (hidden from listings) is refused and writes nothing',
      fields: [['name', 'sneaky']],
      attached: [
        ['id\n1\n', 'a.csv'],
        ['id\n2\n', '.kaml-partial-x'],
      ],
      status: 400,
      message: '".kaml-partial-x"',
    },
    {
      title:
        'attack: files in a folder without a manifest cannot be claimed by an upload',
      fields: [['name', 'loose']],
      attached: [['id\n2\n', 'more.csv']],
      status: 403,
      message: 'already holds files that no dataset describes',
    },
  ])('$title', async ({ fields, attached, status, message }) => {
    const server = await start();
    let req = request(server)
      .post('/api/kaml-d/datasets/upload')
      .set('Authorization', auth('mallory'));
    for (const [field, value] of fields) req = req.field(field, value);
    for (const [content, name] of attached) {
      req = req.attach('files', Buffer.from(content), name);
    }
    const res = await req;
    expect(res.status).toBe(status);
    expect(res.body.error.message).toContain(message);
    expect(await files()).toEqual(BEFORE);
  });

  it('attack: an upload named .hidden or .kaml-d-snapshots (a dot-folder, never a dataset) is refused and writes nothing', async () => {
    const server = await start();
    for (const name of ['.hidden', '.kaml-d-snapshots']) {
      const res = await request(server)
        .post('/api/kaml-d/datasets/upload')
        .set('Authorization', auth('mallory'))
        .field('name', name)
        .attach('files', Buffer.from('id\n1\n'), 'a.csv');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        `Field "name" is "${name}": a dataset folder whose name starts with "." is hidden`,
      );
    }
    expect(await files()).toEqual(BEFORE);
  });

  it.each([
    [
      'a foreign owner',
      { owner: 'group:default/finance' },
      [['a.csv', 'id\n1\n']],
      403,
    ],
    [
      'no write permission',
      { name: 'finance-tx' },
      [['b.csv', 'id\n1\n']],
      403,
    ],
    [
      'a hidden file name',
      {},
      [
        ['a.csv', 'id\n1\n'],
        ['sub/.hidden.csv', 'id\n1\n'],
      ],
      400,
    ],
    [
      'a nested catalog-info.yaml',
      {},
      [
        ['a.csv', 'id\n1\n'],
        ['sub/catalog-info.yaml', 'kind: Dataset\n'],
      ],
      400,
    ],
    [
      'a file over the size limit after a good one',
      {},
      [
        ['a.csv', 'id\n1\n'],
        ['b.csv', `id\n${'9'.repeat(100)}\n`],
      ],
      400,
    ],
    ['no format (a file name that says none)', {}, [['data.bin', 'xyz']], 400],
    [
      'the same file twice in one upload',
      {},
      [
        ['a.csv', 'id\n1\n'],
        ['a.csv', 'id\n2\n'],
      ],
      409,
    ],
  ] as const)(
    'a refused upload (%s) leaves no file behind, partial files included',
    async (_what, fields, parts, status) => {
      const server = await start();
      // a hand-made body: HTTP clients strip folders from file names, an attacker does not
      const boundary = 'kaml-boundary';
      const formFields: Array<[string, string]> = [
        ['name', 'name' in fields ? fields.name : 'fresh'],
        ...('owner' in fields
          ? [['owner', fields.owner] as [string, string]]
          : []),
      ];
      const body = [
        ...formFields.map(
          ([field, value]) =>
            `--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${value}\r\n`,
        ),
        ...parts.map(
          ([name, content]) =>
            `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n`,
        ),
        `--${boundary}--\r\n`,
      ].join('');
      const res = await request(server)
        .post('/api/kaml-d/datasets/upload')
        .set('Authorization', auth('mallory'))
        .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
        .send(body);
      expect(res.status).toBe(status);
      expect(await files()).toEqual(BEFORE);
    },
  );

  it('an owner may be a group of the caller; an admin may name any owner; owners add files to their dataset', async () => {
    const server = await start();
    const mine = await request(server)
      .post('/api/kaml-d/datasets/upload')
      .set('Authorization', auth('mallory'))
      .field('name', 'pipeline-out')
      .field('owner', 'data-engineering')
      .attach('files', Buffer.from('id\n1\n'), 'a.csv');
    expect(mine.status).toBe(201);
    const manifest = parse(
      await readFile(
        join(bucket(), 'pipeline-out', 'catalog-info.yaml'),
        'utf8',
      ),
    );
    expect(manifest.spec.owner).toBe('group:default/data-engineering');

    const byAdmin = await request(server)
      .post('/api/kaml-d/datasets/upload')
      .set('Authorization', auth('root'))
      .field('name', 'for-finance')
      .field('owner', 'group:default/finance')
      .attach('files', Buffer.from('id\n1\n'), 'a.csv');
    expect(byAdmin.status).toBe(201);

    const byOwner = await request(server)
      .post('/api/kaml-d/datasets/upload')
      .set('Authorization', auth('fiona'))
      .field('name', 'finance-tx')
      .attach('files', Buffer.from('id,amount\n2,20\n'), 'more.csv');
    expect(byOwner.status).toBe(201);
    expect(
      await readFile(join(bucket(), 'finance-tx', 'more.csv'), 'utf8'),
    ).toBe('id,amount\n2,20\n');

    // the uploader of a dataset the catalog has not registered yet may add to it; others not
    const again = await request(server)
      .post('/api/kaml-d/datasets/upload')
      .set('Authorization', auth('mallory'))
      .field('name', 'pipeline-out')
      .attach('files', Buffer.from('id\n2\n'), 'b.csv');
    expect(again.status).toBe(201);
    const foreign = await request(server)
      .post('/api/kaml-d/datasets/upload')
      .set('Authorization', auth('fiona'))
      .field('name', 'pipeline-out')
      .attach('files', Buffer.from('id\n3\n'), 'c.csv');
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toContain(
      'holds a dataset of group:default/data-engineering the catalog has not registered yet',
    );
  });
});
