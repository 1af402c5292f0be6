export { TrainingRuntimePicker } from './TrainingRuntimePicker';
export type {
  TrainingRuntimeValue,
  TrainingRuntimePickerOptions,
} from './TrainingRuntimePicker';

/** The name templates give the field (`ui:field`). */
export const TRAINING_RUNTIME_PICKER = 'KamlDTrainingRuntimePicker';
