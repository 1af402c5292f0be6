import { mockCredentials } from '@backstage/backend-test-utils';
import { actorOf, userRefOf } from './actor';

describe('actors', () => {
  it('records users by entity ref and services by subject', () => {
    expect(actorOf(mockCredentials.user('user:default/jane'))).toBe(
      'user:default/jane',
    );
    expect(actorOf(mockCredentials.service('plugin:scaffolder'))).toBe(
      'service:plugin:scaffolder',
    );
  });

  it('refuses anonymous callers', () => {
    expect(() => actorOf(mockCredentials.none())).toThrow(
      'This change is made by signed-in users and services only.',
    );
  });

  it('gives the user ref lower-cased and refuses services with the caller’s reason', () => {
    expect(userRefOf(mockCredentials.user('user:default/Jane'), 'no')).toBe(
      'user:default/jane',
    );
    expect(() =>
      userRefOf(mockCredentials.service('plugin:scaffolder'), 'Users only.'),
    ).toThrow('Users only.');
  });
});
