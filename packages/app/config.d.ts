export interface Config {
  kamlD?: {
    signIn?: {
      /**
       * Sign-in methods offered on the sign-in page, in order: `guest` (development only) and
       * `oidc` (the organisation's OpenID Connect provider). Default: `[guest]`.
       * @visibility frontend
       */
      providers?: Array<'guest' | 'oidc'>;
    };
  };
}
