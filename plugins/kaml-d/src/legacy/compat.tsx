import { compatWrapper } from '@backstage/core-compat-api';
import { ComponentType } from 'react';

/**
 * The component rendered inside `compatWrapper`, so that the hooks of
 * `@backstage/frontend-plugin-api` it uses (`useRouteRef`, …) resolve in a legacy app.
 */
export function withCompat(
  Component: ComponentType<{}>,
  name: string,
): () => JSX.Element {
  const Compat = () => compatWrapper(<Component />);
  Compat.displayName = name;
  return Compat;
}
