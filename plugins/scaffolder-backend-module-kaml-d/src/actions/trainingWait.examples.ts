import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Wait for the Job launched by the previous step, for up to two hours',
    example: yaml.stringify({
      steps: [
        {
          id: 'wait',
          action: 'kaml-d:training:wait',
          name: 'Wait for training',
          input: {
            jobName: '${{ steps.launch.output.jobName }}',
            namespace: '${{ steps.launch.output.namespace }}',
            timeoutSeconds: 7200,
          },
        },
      ],
    }),
  },
  {
    description:
      'Wait for a TrainJob (or TFJob / PyTorchJob): pass the kind the launch step created',
    example: yaml.stringify({
      steps: [
        {
          id: 'wait',
          action: 'kaml-d:training:wait',
          name: 'Wait for training',
          input: {
            jobName: '${{ steps.launch.output.jobName }}',
            namespace: '${{ steps.launch.output.namespace }}',
            kind: '${{ steps.launch.output.kind }}',
            timeoutSeconds: 86400,
          },
        },
      ],
    }),
  },
];
