import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Serve a model with two replicas',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'kaml-d:model:deploy',
          name: 'Deploy model',
          input: {
            model: 'model:default/churn-classifier',
            image: 'ghcr.io/example/churn-server:1.4.0',
            version: '1.4.0',
            replicas: 2,
          },
        },
      ],
    }),
  },
  {
    description: 'Roll out a new version as a 25 % canary on four replicas',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'kaml-d:model:deploy',
          name: 'Deploy model',
          input: {
            model: 'model:default/churn-classifier',
            image: 'ghcr.io/example/churn-server:1.4.0',
            replicas: 4,
            canary: {
              image: 'ghcr.io/example/churn-server:1.5.0',
              percent: 25,
            },
          },
        },
      ],
    }),
  },
];
