export { kamlDApiRef } from './KamlDApi';
export type { KamlDApi, CatalogProblem } from './KamlDApi';
export { KamlDClient } from './KamlDClient';
