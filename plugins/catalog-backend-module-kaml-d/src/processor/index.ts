export { KamlDEntitiesProcessor } from './KamlDEntitiesProcessor';
