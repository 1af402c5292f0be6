import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Wait until the model deployed by the previous step serves',
    example: yaml.stringify({
      steps: [
        {
          id: 'ready',
          action: 'kaml-d:model:wait-ready',
          name: 'Wait until ready',
          input: {
            model: 'model:default/churn-classifier',
            kind: '${{ steps.deploy.output.kind }}',
            timeoutSeconds: 300,
          },
        },
      ],
    }),
  },
];
