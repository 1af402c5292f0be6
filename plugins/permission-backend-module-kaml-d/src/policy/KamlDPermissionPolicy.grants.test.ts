import {
  AccessGrant,
  accessDecidePermission,
  datasetPreviewPermission,
  datasetSnapshotRestorePermission,
  datasetQueryPermission,
} from '@kaml-d/plugin-kaml-d-common';
import { KamlDPermissionPolicy } from './KamlDPermissionPolicy';
import {
  asUser,
  dataset,
  outcome,
  UserKey,
  USERS,
} from '../__testUtils__/policy';

describe('KamlDPermissionPolicy: access grants', () => {
  const policy = new KamlDPermissionPolicy();
  const pii = dataset('customers', 'group:default/other-team', true);
  const grant = (
    grantee: string,
    permission: string,
    expiresAt = '2026-12-01T00:00:00Z',
  ): AccessGrant => ({
    requestId: 'ar-1',
    entityRef: 'dataset:default/customers',
    grantee,
    permission,
    expiresAt,
  });

  // [without grant, with an unexpired grant of the permission, with an expired one]
  const GRANT_TABLE: Record<UserKey, [boolean, boolean, boolean]> = {
    scientist: [false, true, false],
    engineer: [false, true, false],
    sre: [false, true, false],
    admin: [true, true, true],
    nobody: [false, true, false],
  };

  describe.each(Object.keys(GRANT_TABLE) as UserKey[])('role %s', user => {
    it.each([datasetPreviewPermission, datasetQueryPermission])(
      '$name on a pii dataset follows the grant until it expires',
      async permission => {
        const decision = await policy.handle({ permission }, asUser(user));
        const me = USERS[user][0];
        const [none, active, expired] = GRANT_TABLE[user];
        expect(outcome(decision, pii, [])).toBe(none);
        expect(outcome(decision, pii, [grant(me, permission.name)])).toBe(
          active,
        );
        expect(
          outcome(decision, pii, [
            grant(me, permission.name, '2026-11-26T11:59:59Z'),
          ]),
        ).toBe(expired);
      },
    );
  });

  it('counts only a grant of the same permission to the same user', async () => {
    const decision = await policy.handle(
      { permission: datasetPreviewPermission },
      asUser('nobody'),
    );
    expect(
      outcome(decision, pii, [
        grant('user:default/erin', 'kaml-d.dataset.query'),
      ]),
    ).toBe(false);
    expect(
      outcome(decision, pii, [
        grant('user:default/alice', 'kaml-d.dataset.preview'),
      ]),
    ).toBe(false);
    // refs compare case-insensitively, like the catalog's
    expect(
      outcome(decision, pii, [
        grant('User:default/Erin', 'kaml-d.dataset.preview'),
      ]),
    ).toBe(true);
  });

  it('does not let a grant lift permissions other than preview and query', async () => {
    const decision = await policy.handle(
      { permission: datasetSnapshotRestorePermission },
      asUser('nobody'),
    );
    expect(
      outcome(decision, pii, [
        grant('user:default/erin', datasetSnapshotRestorePermission.name),
      ]),
    ).toBe(false);
  });

  it('gives access decisions to owners and admins only', async () => {
    for (const user of Object.keys(USERS) as UserKey[]) {
      const decision = await policy.handle(
        { permission: accessDecidePermission },
        asUser(user),
      );
      const ownerRef = USERS[user][USERS[user].length - 1];
      expect(outcome(decision, dataset('mine', ownerRef, true))).toBe(true);
      expect(outcome(decision, pii)).toBe(user === 'admin');
    }
  });
});

