import {
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import http from 'node:http';
import request from 'supertest';
import { parse } from 'yaml';
import { startKamlDTestBackend } from '../../__testUtils__/bindings';

jest.setTimeout(60_000);

/** Groups of each user, as the identity's ownership references carry them. */
const MEMBERSHIP: Record<string, string[]> = {
  'user:default/mallory': ['group:default/data-engineering'],
  'user:default/fiona': ['group:default/finance'],
  'user:default/root': ['group:default/admins'],
};

const auth = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

const financeTx: Entity = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Dataset',
  metadata: { name: 'finance-tx', namespace: 'default' },
  spec: {
    owner: 'group:default/finance',
    lifecycle: 'production',
    format: 'csv',
    location: 's3://kaml-datasets/finance-tx/',
  },
};

/**
 * The policy's answers, reduced to what uploads ask: everybody may upload; admins may assign
 * any owner; `kaml-d.dataset.write` on a dataset for its owners and admins.
 */
function policyPermissions(): PermissionsService {
  const owners: Record<string, string> = {
    'dataset:default/finance-tx': 'group:default/finance',
  };
  const claims = (userRef: string) => [userRef, ...(MEMBERSHIP[userRef] ?? [])];
  return {
    async authorize(requests, options) {
      const principal = options.credentials.principal as {
        userEntityRef?: string;
      };
      const mine = claims(principal.userEntityRef ?? '');
      const admin = mine.includes('group:default/admins');
      return requests.map(r => {
        const { permission } = r;
        let allowed = admin || permission.name === 'kaml-d.dataset.upload';
        if (
          !allowed &&
          isResourcePermission(permission) &&
          'resourceRef' in r &&
          r.resourceRef
        ) {
          allowed =
            permission.name === 'kaml-d.dataset.write' &&
            mine.includes(owners[r.resourceRef]);
        }
        return {
          result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
        };
      });
    },
    async authorizeConditional(requests) {
      return requests.map(() => ({ result: AuthorizeResult.DENY }));
    },
  };
}

describe('uploads: owner, write permission, hidden names, nothing left behind', () => {
  let root: string;
  let bucket: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kaml-d-upload-'));
    bucket = join(root, 'storage', 'kaml-datasets');
    await mkdir(join(bucket, 'finance-tx'), { recursive: true });
    await writeFile(join(bucket, 'finance-tx', 'tx.csv'), 'id,amount\n1,10\n');
    await mkdir(join(bucket, 'loose'), { recursive: true });
    await writeFile(join(bucket, 'loose', 'dump.csv'), 'id\n1\n');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** `gate` is awaited each time an upload asks for the caller's groups (its owner check). */
  async function start(options: { gate?: () => Promise<void> } = {}) {
    const { server } = await startKamlDTestBackend({
      root,
      bindings: null,
      kamlD: { storage: { maxUploadBytes: 64 } },
      entities: [financeTx],
      features: [
        createServiceFactory({
          service: coreServices.permissions,
          deps: {},
          factory: () => policyPermissions(),
        }),
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () => ({
            async getUserInfo(credentials) {
              await options.gate?.();
              const { userEntityRef } = credentials.principal as {
                userEntityRef: string;
              };
              return {
                userEntityRef,
                ownershipEntityRefs: [
                  userEntityRef,
                  ...(MEMBERSHIP[userEntityRef] ?? []),
                ],
              };
            },
          }),
        }),
      ],
    });
    return server;
  }

  /** Waits until `check` holds (a state, polled once per turn of the event loop). */
  async function until(check: () => Promise<boolean>) {
    while (!(await check())) await new Promise(r => setImmediate(r));
  }

  /** Every file under the storage root, hidden ones included. */
  async function files(): Promise<string[]> {
    const found: string[] = [];
    const walk = async (dir: string) => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else found.push(relative(join(root, 'storage'), path));
      }
    };
    await walk(join(root, 'storage'));
    return found.sort();
  }

  const BEFORE = [
    'kaml-datasets/finance-tx/tx.csv',
    'kaml-datasets/loose/dump.csv',
  ];

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
      await readFile(join(bucket, 'pipeline-out', 'catalog-info.yaml'), 'utf8'),
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
    expect(await readFile(join(bucket, 'finance-tx', 'more.csv'), 'utf8')).toBe(
      'id,amount\n2,20\n',
    );

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

  describe('two users and one new dataset name', () => {
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
      expect(await readFile(join(bucket, 'quarterly', file), 'utf8')).toBe(csv);
      const manifest = parse(
        await readFile(join(bucket, 'quarterly', 'catalog-info.yaml'), 'utf8'),
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
});
