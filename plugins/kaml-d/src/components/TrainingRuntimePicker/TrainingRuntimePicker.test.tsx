import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ComponentProps } from 'react';
import { KamlDApi, kamlDApiRef } from '../../api';
import { mockKamlDApi } from '../__fixtures__/kamlDApi';
import { TrainingRuntimePicker } from './TrainingRuntimePicker';

type Props = ComponentProps<typeof TrainingRuntimePicker>;

async function render(
  kamlD: Partial<KamlDApi>,
  formData: Record<string, unknown>,
) {
  const onChange = jest.fn();
  const props = {
    formData: undefined,
    onChange,
    schema: { title: 'Training runtime', type: 'object' },
    uiSchema: {},
    rawErrors: [],
    required: true,
    formContext: { formData },
  } as unknown as Props;
  renderInTestApp(<TrainingRuntimePicker {...props} />, {
    apis: [[kamlDApiRef, mockKamlDApi(kamlD)]],
  });
  return onChange;
}

describe('TrainingRuntimePicker', () => {
  it('lists the runtimes of the chosen model and gives the template name and kind', async () => {
    const listTrainingRuntimes = jest.fn(async () => ({
      namespace: 'team-retention',
      items: [
        {
          name: 'torch-distributed',
          kind: 'ClusterTrainingRuntime' as const,
          framework: 'torch',
        },
        {
          name: 'team-torch',
          kind: 'TrainingRuntime' as const,
          namespace: 'team-retention',
        },
      ],
    }));
    const onChange = await render(
      { listTrainingRuntimes },
      { model: 'model:retention/churn' },
    );
    await userEvent.click(await screen.findByRole('button'));
    expect(listTrainingRuntimes).toHaveBeenCalledWith({
      namespace: 'retention',
      name: 'churn',
    });
    const list = within(await screen.findByRole('listbox'));
    expect(list.getByText('torch-distributed · torch')).toBeInTheDocument();
    await userEvent.click(
      list.getByText('team-torch (TrainingRuntime in team-retention)'),
    );
    expect(onChange).toHaveBeenCalledWith({
      name: 'team-torch',
      kind: 'TrainingRuntime',
    });
  });

  it('names the server error', async () => {
    const listTrainingRuntimes = jest.fn(async () => {
      throw await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: {
              name: 'ServiceUnavailableError',
              message:
                'Kubeflow Trainer v2 is not installed on the cluster: it serves no trainer.kubeflow.org/v1alpha1 clustertrainingruntimes.',
            },
          }),
          { status: 503, headers: { 'content-type': 'application/json' } },
        ) as never,
      );
    });
    await render({ listTrainingRuntimes }, { model: 'model:default/churn' });
    expect(
      await screen.findByText(
        /^Could not list the training runtimes: .*Kubeflow Trainer v2 is not installed on the cluster/,
      ),
    ).toBeInTheDocument();
  });

  it('asks for the model first', async () => {
    const listTrainingRuntimes = jest.fn();
    await render({ listTrainingRuntimes }, {});
    expect(
      await screen.findByText(
        'Choose the model first: its runtimes are listed then.',
      ),
    ).toBeInTheDocument();
    expect(listTrainingRuntimes).not.toHaveBeenCalled();
  });
});
