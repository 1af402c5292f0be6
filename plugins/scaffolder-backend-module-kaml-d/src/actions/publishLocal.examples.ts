import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Publish the whole workspace as a local repository and register its catalog-info.yaml',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'kaml-d:publish:local',
          name: 'Publish to a local repository',
          input: {
            name: 'churn-classifier',
          },
        },
        {
          id: 'register',
          action: 'catalog:register',
          name: 'Register in the catalog',
          input: {
            catalogInfoUrl: '${{ steps.publish.output.catalogInfoUrl }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Publish one folder of the workspace, with its own branch, message and author',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'kaml-d:publish:local',
          name: 'Publish the model skeleton',
          input: {
            name: 'fraud-detector-v2',
            sourcePath: 'skeleton',
            catalogInfoPath: 'catalog-info.yaml',
            defaultBranch: 'trunk',
            commitMessage:
              'Model skeleton from the "New ML model project" template',
            gitAuthorName: 'Alice Example',
            gitAuthorEmail: 'alice@kaml-d.example',
          },
        },
      ],
    }),
  },
];
