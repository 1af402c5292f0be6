export { createTrainingRuntimesService } from './createTrainingRuntimesService';
export type { TrainingRuntimesService } from './createTrainingRuntimesService';
