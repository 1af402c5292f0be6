import { createBackendModule } from '@backstage/backend-plugin-api';
import { isError, NotFoundError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  commonSignInResolvers,
  createOAuthProviderFactory,
  createSignInResolverFactory,
  type OAuthAuthenticatorResult,
  type SignInInfo,
} from '@backstage/plugin-auth-node';
import {
  githubAuthenticator,
  githubSignInResolvers,
  type GithubProfile,
} from '@backstage/plugin-auth-backend-module-github-provider';

/** Annotations the GitHub org ingestion (catalog.providers.githubOrg) puts on each User. */
export const GITHUB_USER_ID_ANNOTATION = 'github.com/user-id';
export const GITHUB_USER_LOGIN_ANNOTATION = 'github.com/user-login';

/**
 * Sign-in resolver `githubOrgUser`: the GitHub account signs in as the User entity that the
 * GitHub org ingestion created for it, found by its stable user id (annotation
 * `github.com/user-id`) or, for entities without that annotation, by its login
 * (`github.com/user-login`). A GitHub account with no such User (not a member of the ingested
 * organisations) is refused with an error that names the login and what to change.
 */
export const githubOrgUserSignInResolver = createSignInResolverFactory({
  create() {
    return async (
      info: SignInInfo<OAuthAuthenticatorResult<GithubProfile>>,
      ctx,
    ) => {
      const { fullProfile } = info.result;
      const login = fullProfile?.username;
      if (!login) {
        throw new Error(
          'GitHub sign-in: the GitHub profile has no login (username); the github auth provider needs the read:user scope',
        );
      }
      const filter: Array<Record<string, string>> = [
        { [`metadata.annotations.${GITHUB_USER_LOGIN_ANNOTATION}`]: login },
      ];
      if (fullProfile.id) {
        filter.unshift({
          [`metadata.annotations.${GITHUB_USER_ID_ANNOTATION}`]: String(
            fullProfile.id,
          ),
        });
      }
      try {
        return await ctx.signInWithCatalogUser({ filter });
      } catch (error) {
        if (isError(error) && error.name === 'NotFoundError') {
          throw new NotFoundError(
            `GitHub user '${login}' has no User entity in the catalog: the GitHub org ingestion (catalog.providers.githubOrg) creates one for each member of its organisations; add '${login}' to one of them, or check catalog.providers.githubOrg and that its last sync succeeded`,
          );
        }
        throw error;
      }
    };
  },
});

/**
 * The GitHub auth provider (`auth.providers.github`) with the upstream sign-in resolvers, the
 * common ones and {@link githubOrgUserSignInResolver}. Registered instead of
 * `@backstage/plugin-auth-backend-module-github-provider`'s own module (one module per provider
 * id); the auth backend only builds it when `auth.providers.github` is configured.
 */
export default createBackendModule({
  pluginId: 'auth',
  moduleId: 'kaml-d-github-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'github',
          factory: createOAuthProviderFactory({
            authenticator: githubAuthenticator,
            signInResolverFactories: {
              ...githubSignInResolvers,
              ...commonSignInResolvers,
              githubOrgUser: githubOrgUserSignInResolver,
            },
          }),
        });
      },
    });
  },
});
