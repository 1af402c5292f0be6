import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Register the outcome of a training run with its metrics and dataset snapshot',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'kaml-d:model:register-version',
          name: 'Register model version',
          input: {
            model: 'model:default/fraud-detector',
            artifactUri: 's3://models/fraud-detector/run-42/model.onnx',
            metrics: { auc: 0.93, f1: 0.81 },
            parameters: { learningRate: 0.01 },
            trainedOn: [
              {
                datasetRef: 'dataset:default/transactions',
                snapshotId: 'snap-20261126t070102z-3f9a1c',
              },
            ],
            runNamespace: 'kaml-d-training',
            runName: 'fraud-detector-train',
          },
        },
      ],
    }),
  },
];
