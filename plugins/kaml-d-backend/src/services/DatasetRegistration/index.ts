export { createDatasetRegistrationService } from './createDatasetRegistrationService';
export type {
  DatasetRegistrationRequest,
  DatasetRegistrationService,
} from './types';
