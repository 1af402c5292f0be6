export { KamlDEntitiesProcessor } from './KamlDEntitiesProcessor';
export type { KamlDEntitiesProcessorOptions } from './KamlDEntitiesProcessor';
