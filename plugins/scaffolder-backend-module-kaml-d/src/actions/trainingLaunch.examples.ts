import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Train a model on one dataset with one GPU',
    example: yaml.stringify({
      steps: [
        {
          id: 'launch',
          action: 'kaml-d:training:launch',
          name: 'Launch training',
          input: {
            model: 'model:default/churn-classifier',
            datasets: ['dataset:default/customer-churn'],
            image: 'ghcr.io/example/churn-trainer:1.4.0',
            command: ['python', '-m', 'train'],
            args: ['--epochs', '20'],
            gpus: 1,
            cpu: '4',
            memory: '16Gi',
            credentialsSecret: 'dataset-reader',
          },
        },
      ],
    }),
  },
  {
    description: 'A CPU-only run with extra environment and a deadline',
    example: yaml.stringify({
      steps: [
        {
          id: 'launch',
          action: 'kaml-d:training:launch',
          name: 'Launch training',
          input: {
            model: 'churn-classifier',
            image: 'ghcr.io/example/churn-trainer:1.4.0',
            env: { LEARNING_RATE: '0.01' },
            cpu: '500m',
            memory: '1Gi',
            activeDeadlineSeconds: 3600,
          },
        },
      ],
    }),
  },
  {
    description:
      'Distributed training as a Kubeflow Trainer v2 TrainJob on the torch-distributed ClusterTrainingRuntime, two nodes with one GPU each',
    example: yaml.stringify({
      steps: [
        {
          id: 'launch',
          action: 'kaml-d:training:launch',
          name: 'Launch training',
          input: {
            model: 'model:default/churn-classifier',
            datasets: ['dataset:default/customer-churn'],
            image: 'ghcr.io/example/churn-trainer:1.4.0',
            command: ['torchrun', 'train.py'],
            kind: 'TrainJob',
            runtime: 'torch-distributed',
            workers: 2,
            gpus: 1,
            cpu: '8',
            memory: '32Gi',
            credentialsSecret: 'dataset-reader',
          },
        },
      ],
    }),
  },
];
