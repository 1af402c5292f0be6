import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import {
  TrainingRuntimeKind,
  TrainingRuntimeSummary,
} from '@kaml-d/plugin-kaml-d-common';
import useAsync from 'react-use/esm/useAsync';
import { kamlDApiRef } from '../../api';
import { serverMessage } from '../shared/errors';

/**
 * The value the training runtime field gives the template: the runtime's name and kind.
 *
 * @public
 */
export interface TrainingRuntimeValue {
  name: string;
  kind: TrainingRuntimeKind;
}

/** ui:options of the field: which form field holds the model (default `model`). */
export interface TrainingRuntimePickerOptions {
  modelField?: string;
}

const keyOf = (r: { kind: string; name: string }) => `${r.kind}/${r.name}`;

function labelOf(r: TrainingRuntimeSummary): string {
  const where =
    r.kind === 'TrainingRuntime' ? ` (TrainingRuntime in ${r.namespace})` : '';
  return `${r.name}${r.framework ? ` · ${r.framework}` : ''}${where}`;
}

/**
 * The training template's runtime field: the Kubeflow Trainer v2 runtimes the cluster has for
 * the model chosen in the form (its ClusterTrainingRuntimes and the TrainingRuntimes of its
 * training namespace), read from the KAML-D backend.
 */
export function TrainingRuntimePicker(
  props: FieldExtensionComponentProps<
    TrainingRuntimeValue | undefined,
    TrainingRuntimePickerOptions
  >,
) {
  const { formData, onChange, schema, uiSchema, rawErrors, required } = props;
  const api = useApi(kamlDApiRef);
  const modelField = uiSchema?.['ui:options']?.modelField ?? 'model';
  const all = (props.formContext?.formData ?? {}) as Record<string, unknown>;
  const modelRef = typeof all[modelField] === 'string' ? all[modelField] : '';

  const runtimes = useAsync(async () => {
    if (!modelRef) return undefined;
    const model = parseEntityRef(modelRef as string, {
      defaultKind: 'model',
      defaultNamespace: 'default',
    });
    return api.listTrainingRuntimes({
      namespace: model.namespace,
      name: model.name,
    });
  }, [api, modelRef]);

  const items = runtimes.value?.items ?? [];
  const title = schema.title ?? 'Training runtime';
  let help: string;
  if (!modelRef) help = 'Choose the model first: its runtimes are listed then.';
  else if (runtimes.loading) help = 'Reading the runtimes of the cluster…';
  else if (runtimes.error) {
    help = `Could not list the training runtimes: ${serverMessage(
      runtimes.error,
    )}`;
  } else if (items.length === 0) {
    help = `The cluster has no training runtime for namespace ${runtimes.value?.namespace}: ask a cluster admin to install the Kubeflow Trainer runtimes.`;
  } else help = schema.description ?? '';

  return (
    <FormControl
      fullWidth
      margin="normal"
      required={required}
      error={!!runtimes.error || (rawErrors?.length ?? 0) > 0}
    >
      <InputLabel id="kaml-d-training-runtime-label">{title}</InputLabel>
      <Select
        labelId="kaml-d-training-runtime-label"
        value={formData ? keyOf(formData) : ''}
        disabled={!modelRef || runtimes.loading || items.length === 0}
        onChange={e => {
          const chosen = items.find(r => keyOf(r) === e.target.value);
          onChange(
            chosen ? { name: chosen.name, kind: chosen.kind } : undefined,
          );
        }}
      >
        {items.map(r => (
          <MenuItem key={keyOf(r)} value={keyOf(r)}>
            {labelOf(r)}
          </MenuItem>
        ))}
      </Select>
      <FormHelperText>{help}</FormHelperText>
    </FormControl>
  );
}
