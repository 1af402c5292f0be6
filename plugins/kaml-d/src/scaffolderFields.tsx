import {
  FormFieldBlueprint,
  createFormField,
} from '@backstage/plugin-scaffolder-react/alpha';
import { TRAINING_RUNTIME_PICKER } from './components/TrainingRuntimePicker';

/**
 * The scaffolder form fields of KAML-D: `ui:field: KamlDTrainingRuntimePicker`, the training
 * runtimes of the cluster for the model chosen in the form.
 */
export const kamlDTrainingRuntimeField = FormFieldBlueprint.make({
  name: 'training-runtime',
  params: {
    field: () =>
      import('./components/TrainingRuntimePicker').then(m =>
        createFormField({
          name: TRAINING_RUNTIME_PICKER,
          component: m.TrainingRuntimePicker,
        }),
      ),
  },
});
