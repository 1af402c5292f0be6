import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AccessRequestRow } from './accessRequestRows';
import {
  checkMayDecide,
  checkNothingHeld,
  checkRequestable,
  decidersOf,
  ownersOf,
  requestedEntityRef,
  requesterOf,
} from './rules';

function dataset(spec: Record<string, unknown>, extra: Partial<Entity> = {}) {
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: { name: 'customers', namespace: 'finance' },
    spec,
    ...extra,
  } as Entity;
}

describe('ownersOf', () => {
  it('takes the ownedBy relations, lower-cased and once each', () => {
    const entity = dataset(
      { owner: 'ignored' },
      {
        relations: [
          { type: 'ownedBy', targetRef: 'group:default/Data-Team' },
          { type: 'ownedBy', targetRef: 'group:default/data-team' },
          { type: 'partOf', targetRef: 'system:default/lake' },
        ],
      },
    );
    expect(ownersOf(entity)).toEqual(['group:default/data-team']);
  });

  it("falls back to spec.owner, a group in the entity's namespace by default", () => {
    expect(ownersOf(dataset({ owner: 'Analysts' }))).toEqual([
      'group:finance/analysts',
    ]);
    expect(ownersOf(dataset({ owner: 'user:default/jane' }))).toEqual([
      'user:default/jane',
    ]);
    expect(ownersOf(dataset({}))).toEqual([]);
  });
});

describe('request checks', () => {
  it('refuses services: requests are made by signed-in users', () => {
    expect(requesterOf(mockCredentials.user('user:default/Jane'))).toBe(
      'user:default/jane',
    );
    expect(() => requesterOf(mockCredentials.service())).toThrow(
      'Access requests are made and decided by signed-in users, not services.',
    );
  });

  it('normalises the entity ref and explains one that is not', () => {
    expect(requestedEntityRef('Dataset:Default/Customers')).toBe(
      'dataset:default/customers',
    );
    expect(() => requestedEntityRef('')).toThrow(
      /is not an entity reference; use kind:namespace\/name/,
    );
  });

  it('takes requests on datasets with an owner only', () => {
    expect(() => checkRequestable('dataset:default/x', undefined)).toThrow(
      'No entity dataset:default/x in the catalog.',
    );
    expect(() =>
      checkRequestable('component:default/x', {
        ...dataset({}),
        kind: 'Component',
      }),
    ).toThrow('Access can be requested on datasets only');
    expect(() => decidersOf('dataset:finance/customers', dataset({}))).toThrow(
      'dataset:finance/customers has no owner to decide on a request',
    );
  });

  it('names what is left to request when some permissions are held', () => {
    expect(() => checkNothingHeld('dataset:d/x', ['read'], ['read'])).toThrow(
      'You already have read on dataset:d/x; there is nothing to request.',
    );
    expect(() =>
      checkNothingHeld('dataset:d/x', ['read', 'write'], ['read']),
    ).toThrow('You already have read on dataset:d/x; request only write.');
    expect(() =>
      checkNothingHeld('dataset:d/x', ['read', 'write'], []),
    ).not.toThrow();
  });
});

describe('checkMayDecide', () => {
  const row = {
    entity_ref: 'dataset:default/customers',
    owners: JSON.stringify(['group:default/data-team']),
    requester: 'user:default/jane',
  } as AccessRequestRow;

  it('lets an owner decide on somebody else’s request only', () => {
    expect(() => checkMayDecide(row, 'user:default/bob', true)).not.toThrow();
    expect(() => checkMayDecide(row, 'user:default/bob', false)).toThrow(
      'Only the owners of dataset:default/customers (group:default/data-team) or an admin may decide',
    );
    expect(() => checkMayDecide(row, 'user:default/jane', true)).toThrow(
      'You cannot decide on your own access request',
    );
  });
});
