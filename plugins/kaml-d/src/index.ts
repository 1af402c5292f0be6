/**
 * KAML-D for Backstage: the Workbench, dataset and model pages, health tabs.
 *
 * @packageDocumentation
 */

export { kamlDPlugin as default } from './plugin';
export { kamlDApiRef, KamlDClient } from './api';
export type { KamlDApi, CatalogProblem } from './api';
export { rootRouteRef } from './routes';
