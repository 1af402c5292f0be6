export { createModelVersionsService } from './createModelVersionsService';
export type { ModelVersionsService } from './types';
