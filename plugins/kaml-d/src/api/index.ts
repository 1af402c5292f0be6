export { kamlDApiRef } from './KamlDApi';
export type { KamlDApi } from './KamlDApi';
export { KamlDClient } from './KamlDClient';
