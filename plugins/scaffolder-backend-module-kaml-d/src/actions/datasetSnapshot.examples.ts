import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Freeze a dataset before training on it',
    example: yaml.stringify({
      steps: [
        {
          id: 'snapshot',
          action: 'kaml-d:dataset:snapshot',
          name: 'Snapshot training data',
          input: {
            dataset: 'dataset:default/transactions',
            message: 'Before training fraud-detector',
          },
        },
      ],
    }),
  },
];
