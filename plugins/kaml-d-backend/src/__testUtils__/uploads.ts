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
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startKamlDTestBackend } from './bindings';

/**
 * What the upload tests share: a storage root with a finance team's dataset and a folder no
 * dataset describes, a backend whose policy answers like the real one for uploads, and a
 * listing of every stored file (to prove that a refused upload wrote nothing).
 */

/** Groups of each user, as the identity's ownership references carry them. */
const MEMBERSHIP: Record<string, string[]> = {
  'user:default/mallory': ['group:default/data-engineering'],
  'user:default/fiona': ['group:default/finance'],
  'user:default/root': ['group:default/admins'],
};

export const auth = (user: string) =>
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

/** The files stored before each test. */
export const BEFORE = [
  'kaml-datasets/finance-tx/tx.csv',
  'kaml-datasets/loose/dump.csv',
];

/** Registers the fixture's set-up and clean-up in the calling `describe`. */
export function useUploadFixture() {
  let root = '';
  let bucket = '';

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

  return {
    start,
    until,
    files,
    /** The bucket folder of this test's storage root. */
    bucket: () => bucket,
  };
}
