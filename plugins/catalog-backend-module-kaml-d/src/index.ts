/**
 * The KAML-D catalog module: the Dataset and Model kinds (validation and ML lineage
 * relations) for the Backstage catalog.
 *
 * @packageDocumentation
 */

export { catalogModuleKamlD as default } from './module';
export { KamlDEntitiesProcessor } from './processor';
