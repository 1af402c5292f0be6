export { createModelVersionsService } from './createModelVersionsService';
export type { ModelVersionsService } from './types';
export { deploymentLineage, servedVersion } from './lineage';
