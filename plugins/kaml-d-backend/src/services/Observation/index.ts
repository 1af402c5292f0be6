export {
  createObservationService,
  ANNOTATION_PROMQL_PREFIX,
} from './createObservationService';
export { readObservationConfig } from './config';
export type { ObservationService, ObservationConfig } from './types';
