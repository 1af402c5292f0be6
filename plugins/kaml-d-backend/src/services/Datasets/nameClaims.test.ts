import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../../database/migrations';
import {
  CLAIM_STALE_MS,
  DATASET_CLAIMS_TABLE,
  DatasetClaimRequest,
  createDatasetNameClaims,
} from './nameClaims';

describe('createDatasetNameClaims', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let db: Knex;
  let clock: number;

  beforeEach(async () => {
    db = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(db);
    clock = Date.parse('2026-12-06T09:00:00Z');
  });

  /** Two replicas over one database: the claims hold across them. */
  function replicas() {
    const now = () => new Date(clock);
    return [
      createDatasetNameClaims({ db, now }),
      createDatasetNameClaims({ db, now }),
    ];
  }

  function ask(
    user: string,
    overrides: Partial<DatasetClaimRequest> = {},
  ): DatasetClaimRequest {
    return {
      location: 's3://kaml-datasets/quarterly/',
      entityRef: 'dataset:default/quarterly',
      owner: `user:default/${user}`,
      actor: `user:default/${user}`,
      action: 'upload',
      // each user may act only for themselves
      mayActFor: async owner => owner === `user:default/${user}`,
      ...overrides,
    };
  }

  async function rows() {
    return db(DATASET_CLAIMS_TABLE).select('location', 'owner', 'state');
  }

  it('a name being created on one replica is refused on another, naming who is creating it', async () => {
    const [one, two] = replicas();
    const alice = await one.claim(ask('alice'));
    await expect(two.claim(ask('mallory'))).rejects.toThrow(
      'The name "quarterly" was just taken by user:default/alice: an upload of theirs is creating dataset:default/quarterly at s3://kaml-datasets/quarterly/ (owner user:default/alice) right now.',
    );
    // alice herself cannot start a second upload of it either while hers runs
    await expect(two.claim(ask('alice'))).rejects.toThrow(
      'was just taken by user:default/alice',
    );
    await alice.complete();
    expect(await rows()).toEqual([
      {
        location: 's3://kaml-datasets/quarterly/',
        owner: 'user:default/alice',
        state: 'created',
      },
    ]);
  });

  it('the same entity name in another folder, or the same folder under another name, is refused', async () => {
    const [one, two] = replicas();
    await (await one.claim(ask('alice'))).complete();
    await expect(
      two.claim(
        ask('mallory', {
          location: 's3://kaml-datasets/elsewhere/',
          action: 'registration',
        }),
      ),
    ).rejects.toThrow(
      'The name "quarterly" belongs to user:default/alice: dataset:default/quarterly at s3://kaml-datasets/quarterly/ (owner user:default/alice) was created by user:default/alice\'s upload of 2026-12-06T09:00:00.000Z.',
    );
    await expect(
      two.claim(ask('mallory', { entityRef: 'dataset:default/other' })),
    ).rejects.toThrow('belongs to user:default/alice');
  });

  it('a released claim frees the name; a created one stays with its owner, who may claim it again', async () => {
    const [one, two] = replicas();
    await (await one.claim(ask('mallory'))).release();
    expect(await rows()).toEqual([]);
    const alice = await two.claim(ask('alice'));
    await alice.complete();
    await expect(one.claim(ask('mallory'))).rejects.toThrow(
      'belongs to user:default/alice',
    );
    // alice (say, after deleting the files) creates it anew; releasing that keeps her record
    const again = await one.claim(ask('alice'));
    await again.release();
    expect(await rows()).toEqual([
      {
        location: 's3://kaml-datasets/quarterly/',
        owner: 'user:default/alice',
        state: 'created',
      },
    ]);
  });

  it('a claim left by a process that died is taken over by its owner after the stale time, never by another user', async () => {
    const [one, two] = replicas();
    await one.claim(ask('alice')); // the process ends without complete/release
    clock += CLAIM_STALE_MS - 1000;
    await expect(two.claim(ask('alice'))).rejects.toThrow('right now');
    clock += 2000;
    await expect(two.claim(ask('mallory'))).rejects.toThrow(
      'holds files left unfinished',
    );
    const taken = await two.claim(ask('alice'));
    await taken.complete();
    expect(await rows()).toEqual([
      {
        location: 's3://kaml-datasets/quarterly/',
        owner: 'user:default/alice',
        state: 'created',
      },
    ]);
  });

  it('an abandoned claim (files that could not be removed) keeps the name for the owner', async () => {
    const [one, two] = replicas();
    await (await one.claim(ask('alice'))).abandon();
    await expect(two.claim(ask('mallory'))).rejects.toThrow(
      'The name "quarterly" belongs to user:default/alice: dataset:default/quarterly at s3://kaml-datasets/quarterly/ (owner user:default/alice) holds files left unfinished',
    );
    await (await two.claim(ask('alice'))).complete();
    expect((await rows())[0].state).toBe('created');
  });

  it('of many concurrent claims on one name exactly one wins', async () => {
    const claims = replicas();
    const users = ['alice', 'bob', 'carol', 'dave', 'mallory', 'trent'];
    const results = await Promise.allSettled(
      users.map((u, i) => claims[i % 2].claim(ask(u))),
    );
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    expect(refused).toHaveLength(5);
    for (const r of refused) expect(r.reason.name).toBe('ConflictError');
  });
});
