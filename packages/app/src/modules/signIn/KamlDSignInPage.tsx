import { SignInPage, SignInProviderConfig } from '@backstage/core-components';
import {
  configApiRef,
  githubAuthApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { SignInPageProps } from '@backstage/plugin-app-react';
import { oidcAuthApiRef } from './oidcAuthApi';

const oidcProvider: SignInProviderConfig = {
  id: 'oidc-auth-provider',
  title: 'Single sign-on',
  message: 'Sign in with your organisation account (OpenID Connect)',
  apiRef: oidcAuthApiRef,
};

const githubProvider: SignInProviderConfig = {
  id: 'github-auth-provider',
  title: 'GitHub',
  message: 'Sign in with your GitHub account',
  apiRef: githubAuthApiRef,
};

/**
 * Offers the sign-in methods that `kamlD.signIn.providers` lists: `guest` (development only),
 * `oidc` and `github`. Without the setting, guest is offered, as in a fresh development checkout.
 */
export function KamlDSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const names = config.getOptionalStringArray('kamlD.signIn.providers') ?? [
    'guest',
  ];
  const providers: Array<'guest' | SignInProviderConfig> = [];
  for (const name of names) {
    if (name === 'guest') providers.push('guest');
    if (name === 'oidc') providers.push(oidcProvider);
    if (name === 'github') providers.push(githubProvider);
  }
  return (
    <SignInPage
      {...props}
      title="KAML-D"
      align="center"
      providers={providers.length ? providers : ['guest']}
    />
  );
}
