import { NotFoundError } from '@backstage/errors';
import type {
  AuthResolverContext,
  BackstageSignInResult,
} from '@backstage/plugin-auth-node';
import { githubOrgUserSignInResolver } from './githubAuth';

const SIGNED_IN: BackstageSignInResult = { token: 'backstage-token' };

function context(signInWithCatalogUser: jest.Mock): AuthResolverContext {
  return { signInWithCatalogUser } as unknown as AuthResolverContext;
}

function info(fullProfile: Record<string, unknown>) {
  return {
    profile: {},
    result: {
      fullProfile: {
        provider: 'github',
        displayName: 'Octo Cat',
        ...fullProfile,
      },
      session: { accessToken: 'a', tokenType: 'bearer', scope: 'read:user' },
    },
  } as never;
}

describe('githubOrgUser sign-in resolver', () => {
  const resolver = githubOrgUserSignInResolver();

  it('signs in as the User the org ingestion annotated with the GitHub user id or login', async () => {
    const signIn = jest.fn().mockResolvedValue(SIGNED_IN);
    await expect(
      resolver(info({ id: '583231', username: 'octocat' }), context(signIn)),
    ).resolves.toBe(SIGNED_IN);
    expect(signIn).toHaveBeenCalledWith({
      filter: [
        { 'metadata.annotations.github.com/user-id': '583231' },
        { 'metadata.annotations.github.com/user-login': 'octocat' },
      ],
    });
  });

  it('matches by login alone when GitHub gives no user id', async () => {
    const signIn = jest.fn().mockResolvedValue(SIGNED_IN);
    await resolver(info({ username: 'octocat' }), context(signIn));
    expect(signIn).toHaveBeenCalledWith({
      filter: [{ 'metadata.annotations.github.com/user-login': 'octocat' }],
    });
  });

  it('refuses a GitHub account outside the ingested organisations, naming the login and the fix', async () => {
    const signIn = jest
      .fn()
      .mockRejectedValue(new NotFoundError('User not found'));
    const attempt = resolver(
      info({ id: '1', username: 'stranger' }),
      context(signIn),
    );
    await expect(attempt).rejects.toThrow(NotFoundError);
    await expect(attempt).rejects.toThrow(
      /GitHub user 'stranger' has no User entity in the catalog.*catalog\.providers\.githubOrg/,
    );
  });

  it('passes other catalog errors through unchanged', async () => {
    const failure = new Error('catalog unavailable');
    const signIn = jest.fn().mockRejectedValue(failure);
    await expect(
      resolver(info({ username: 'octocat' }), context(signIn)),
    ).rejects.toBe(failure);
  });

  it('says which scope is missing when the profile has no login', async () => {
    const signIn = jest.fn();
    await expect(resolver(info({ id: '7' }), context(signIn))).rejects.toThrow(
      /no login.*read:user/,
    );
    expect(signIn).not.toHaveBeenCalled();
  });
});
