import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { TrainingRuntimePicker } from '../components/TrainingRuntimePicker/TrainingRuntimePicker';
import { TRAINING_RUNTIME_PICKER } from '../components/TrainingRuntimePicker';
import { kamlDLegacyPlugin } from './plugin';

/**
 * The training template's runtime field for legacy apps: put it inside
 * `<ScaffolderFieldExtensions>` of the app's scaffolder route.
 *
 * @public
 */
export const KamlDTrainingRuntimePickerFieldExtension =
  kamlDLegacyPlugin.provide(
    createScaffolderFieldExtension({
      name: TRAINING_RUNTIME_PICKER,
      component: TrainingRuntimePicker,
    }),
  );
