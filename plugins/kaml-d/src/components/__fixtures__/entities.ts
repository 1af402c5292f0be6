import { Entity } from '@backstage/catalog-model';
import {
  DatasetEntityV1alpha1,
  ModelEntityV1alpha1,
} from '@kaml-d/plugin-kaml-d-common';

// Entities as the catalog returns them after processing: spec as in catalog/*.yaml, relations
// as KamlDEntitiesProcessor emits them.

export const financeTransactions: DatasetEntityV1alpha1 = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Dataset',
  metadata: {
    name: 'finance-transactions',
    namespace: 'default',
    title: 'Finance transactions',
    description:
      'Card transactions with a fraud label, one CSV file per quarter.',
    tags: ['finance', 'fraud', 'pii', 'tabular'],
  },
  spec: {
    owner: 'data-engineering',
    lifecycle: 'production',
    system: 'fraud-detection',
    format: 'csv',
    location: 's3://kaml-datasets/finance-transactions/',
    size: { bytes: 52_400_000, rows: 400_000, files: 4 },
    schema: {
      columns: [
        {
          name: 'transaction_id',
          type: 'varchar',
          description: 'Unique transaction id',
        },
        {
          name: 'card_holder',
          type: 'varchar',
          description: 'Card holder full name',
          classification: 'pii',
        },
        {
          name: 'email',
          type: 'varchar',
          description: 'Card holder e-mail',
          classification: 'pii',
        },
        {
          name: 'amount',
          type: 'double',
          description: 'Amount in the transaction currency',
        },
        {
          name: 'is_fraud',
          type: 'boolean',
          description: 'Label: confirmed fraud',
        },
      ],
    },
  },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/data-engineering' },
    { type: 'partOf', targetRef: 'system:default/fraud-detection' },
    { type: 'trainingDataOf', targetRef: 'model:default/fraud-detector' },
  ],
};

export const customerChurn: DatasetEntityV1alpha1 = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Dataset',
  metadata: {
    name: 'customer-churn',
    namespace: 'default',
    title: 'Customer churn',
    tags: ['churn', 'classification', 'tabular'],
  },
  spec: {
    owner: 'data-science',
    lifecycle: 'experimental',
    format: 'csv',
    location: 's3://kaml-datasets/customer-churn/',
    schema: {
      columns: [
        { name: 'customer_id', type: 'varchar', description: 'Customer id' },
        {
          name: 'churned',
          type: 'boolean',
          description: 'Label: left within 30 days',
        },
      ],
    },
  },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/data-science' }],
};

export const fingerprintImages: DatasetEntityV1alpha1 = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Dataset',
  metadata: {
    name: 'fingerprint-images',
    namespace: 'default',
    title: 'Fingerprint images',
  },
  spec: {
    owner: 'data-science',
    lifecycle: 'production',
    system: 'biometrics',
    format: 'images',
    location: 's3://kaml-datasets/fingerprint-images/',
  },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/data-science' },
    { type: 'trainingDataOf', targetRef: 'model:default/fingerprint-matcher' },
  ],
};

export const clickstreamEvents: DatasetEntityV1alpha1 = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Dataset',
  metadata: {
    name: 'clickstream-events',
    namespace: 'default',
    title: 'Clickstream events',
  },
  spec: {
    owner: 'data-engineering',
    lifecycle: 'production',
    format: 'jsonl',
    location: 's3://kaml-datasets/clickstream-events/',
  },
  relations: [
    { type: 'trainingDataOf', targetRef: 'model:default/fraud-detector' },
  ],
};

export const fraudDetector: ModelEntityV1alpha1 = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Model',
  metadata: {
    name: 'fraud-detector',
    namespace: 'default',
    title: 'Fraud detector',
    annotations: {
      'backstage.io/kubernetes-id': 'fraud-detector',
      'backstage.io/kubernetes-namespace': 'kaml-d-models',
    },
  },
  spec: {
    owner: 'data-science',
    lifecycle: 'production',
    system: 'fraud-detection',
    framework: 'sklearn',
    task: 'binary-classification',
    trainedOn: ['finance-transactions', 'clickstream-events'],
    artifact: {
      location: 's3://kaml-models/fraud-detector/3/',
      format: 'joblib',
    },
    serving: {
      servedBy: ['component:fraud-detector-service', 'api:fraud-detector-api'],
      endpoint:
        'http://fraud-detector.kaml-d-models.svc.cluster.local:80/v1/models/fraud-detector:predict',
      runtime: 'kserve',
    },
    notebooks: [
      {
        title: 'Training',
        url: 'https://jupyter.kaml-d.example/hub/user-redirect/lab/tree/fraud-detector/train.ipynb',
      },
    ],
  },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/data-science' },
    { type: 'partOf', targetRef: 'system:default/fraud-detection' },
    { type: 'trainedOn', targetRef: 'dataset:default/finance-transactions' },
    { type: 'trainedOn', targetRef: 'dataset:default/clickstream-events' },
    { type: 'servedBy', targetRef: 'component:default/fraud-detector-service' },
    { type: 'servedBy', targetRef: 'api:default/fraud-detector-api' },
  ],
};

/** A model trained on a dataset that was since removed from the catalog. */
export const churnPredictor: ModelEntityV1alpha1 = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Model',
  metadata: {
    name: 'churn-predictor',
    namespace: 'default',
    title: 'Churn predictor',
  },
  spec: {
    owner: 'data-science',
    lifecycle: 'experimental',
    framework: 'xgboost',
    task: 'binary-classification',
    trainedOn: ['customer-churn', 'customer-contracts-2023'],
  },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/data-science' },
    { type: 'trainedOn', targetRef: 'dataset:default/customer-churn' },
    { type: 'trainedOn', targetRef: 'dataset:default/customer-contracts-2023' },
  ],
};

export const fraudDetectorService: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'fraud-detector-service',
    namespace: 'default',
    title: 'Fraud detector service',
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'ml-platform-sre',
    providesApis: ['fraud-detector-api'],
  },
  relations: [{ type: 'serves', targetRef: 'model:default/fraud-detector' }],
};

export const fraudDetectorApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: {
    name: 'fraud-detector-api',
    namespace: 'default',
    title: 'Fraud detector API',
  },
  spec: {
    type: 'openapi',
    lifecycle: 'production',
    owner: 'ml-platform-sre',
    definition: 'openapi: 3.0.3',
  },
  relations: [{ type: 'serves', targetRef: 'model:default/fraud-detector' }],
};

/** Everything the fixture catalog holds. */
export const catalogEntities: Entity[] = [
  financeTransactions,
  customerChurn,
  fingerprintImages,
  clickstreamEvents,
  fraudDetector,
  churnPredictor,
  fraudDetectorService,
  fraudDetectorApi,
];
