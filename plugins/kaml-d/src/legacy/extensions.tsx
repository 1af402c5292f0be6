import {
  createComponentExtension,
  createRoutableExtension,
  RouteRef,
} from '@backstage/core-plugin-api';
import { ComponentType } from 'react';
import { withCompat } from './compat';
import { kamlDLegacyPlugin } from './plugin';

/**
 * A lazily loaded component extension of the legacy plugin, rendered inside `compatWrapper`.
 * `name` is the exported name, as analytics and error messages show it.
 */
export function lazyEntityExtension(
  name: string,
  load: () => Promise<ComponentType<{}>>,
): () => JSX.Element {
  return kamlDLegacyPlugin.provide(
    createComponentExtension({
      name,
      component: { lazy: () => load().then(c => withCompat(c, name)) },
    }),
  );
}

/**
 * A lazily loaded page of the legacy plugin mounted on `mountPoint`, rendered inside
 * `compatWrapper`. `name` is the exported name.
 */
export function lazyPage(
  name: string,
  mountPoint: RouteRef,
  load: () => Promise<ComponentType<{}>>,
): () => JSX.Element {
  return kamlDLegacyPlugin.provide(
    createRoutableExtension({
      name,
      mountPoint,
      component: () => load().then(c => withCompat(c, name)),
    }),
  );
}

/**
 * A dataset tab that reads the data, behind `kaml-d.dataset.preview` as in the new system: users
 * without it read why and may request access instead.
 */
export function gatedDatasetTab(
  action: string,
  load: () => Promise<ComponentType<{}>>,
): () => Promise<ComponentType<{}>> {
  return async () => {
    const [{ DatasetAccessGate }, Tab] = await Promise.all([
      import('../components/AccessRequests'),
      load(),
    ]);
    return function GatedDatasetTab() {
      return (
        <DatasetAccessGate action={action}>
          <Tab />
        </DatasetAccessGate>
      );
    };
  };
}
