import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Upload files fetched into the task workspace as a new dataset and register it',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'kaml-d:dataset:register',
          name: 'Register the dataset',
          input: {
            name: 'customer-reviews',
            files: ['data'],
            format: 'csv',
            description:
              'Product reviews with a star rating, one row per review',
            owner: 'group:default/data-engineering',
            tags: ['reviews', 'nlp'],
          },
        },
      ],
    }),
  },
  {
    description:
      'Register data that is already in object storage, without copying it',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'kaml-d:dataset:register',
          name: 'Register the dataset',
          input: {
            name: 'clickstream-2024',
            location: 's3://kaml-datasets/clickstream-2024/',
            format: 'parquet',
            lifecycle: 'production',
          },
        },
      ],
    }),
  },
];
