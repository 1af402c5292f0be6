export interface Config {
  kamlD?: {
    signIn?: {
      /**
       * Sign-in methods offered on the sign-in page, in order: `guest` (development only),
       * `oidc` (the organisation's OpenID Connect provider) and `github` (GitHub OAuth, see
       * docs/identity.md). Default: `[guest]`.
       * @visibility frontend
       */
      providers?: Array<'guest' | 'oidc' | 'github'>;
    };
  };
}
