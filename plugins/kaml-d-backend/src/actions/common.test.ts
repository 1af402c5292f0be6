import { mockCredentials } from '@backstage/backend-test-utils';
import { entityRefInput, explainableError, userCredentials } from './common';
import { NotAllowedError } from '@backstage/errors';

describe('entityRefInput', () => {
  it.each([
    ['sales', { kind: 'dataset', namespace: 'default', name: 'sales' }],
    ['finance/sales', { kind: 'dataset', namespace: 'finance', name: 'sales' }],
    [
      'Dataset:finance/sales',
      { kind: 'dataset', namespace: 'finance', name: 'sales' },
    ],
    [' sales ', { kind: 'dataset', namespace: 'default', name: 'sales' }],
  ])('reads %j as a dataset', (value, expected) => {
    expect(entityRefInput(value, 'dataset')).toEqual(expected);
  });

  it.each([
    ['model:default/forecaster', /names a model, not a dataset/],
    ['dataset:', /not a dataset reference/],
    ['a/b/c', /"b\/c" .* must be 1 to 63 letters/],
    ['default/-sales', /"-sales" .* must be 1 to 63 letters/],
    ['default/sa les', /must be 1 to 63 letters/],
    [`default/${'x'.repeat(64)}`, /must be 1 to 63 letters/],
  ])('refuses %j saying how to write it', (value, message) => {
    expect(() => entityRefInput(value, 'dataset')).toThrow(message);
  });
});

describe('userCredentials', () => {
  it('passes a user through and refuses a service or no one', () => {
    const user = mockCredentials.user('user:default/bob');
    expect(userCredentials(user)).toBe(user);
    expect(() => userCredentials(mockCredentials.service())).toThrow(
      NotAllowedError,
    );
    expect(() => userCredentials(mockCredentials.none())).toThrow(
      /signed-in user/,
    );
  });
});

describe('explainableError', () => {
  it('names refusals and bad input, and nothing else', () => {
    expect(explainableError(new NotAllowedError('no'))).toBe(
      'NotAllowedError: no',
    );
    expect(explainableError(new Error('disk on fire'))).toBeUndefined();
    expect(explainableError('text')).toBeUndefined();
  });
});
