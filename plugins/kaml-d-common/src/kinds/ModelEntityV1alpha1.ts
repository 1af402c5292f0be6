import {
  Entity,
  entityKindSchemaValidator,
  KindValidator,
} from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { KAML_D_API_VERSION } from './constants';

/**
 * Machine-learning frameworks a Model can be built with.
 *
 * @public
 */
export const MODEL_FRAMEWORKS = [
  'tensorflow',
  'keras',
  'pytorch',
  'sklearn',
  'onnx',
  'xgboost',
  'lightgbm',
  'huggingface',
  'other',
] as const;

/**
 * One of {@link MODEL_FRAMEWORKS}.
 *
 * @public
 */
export type ModelFramework = (typeof MODEL_FRAMEWORKS)[number];

/**
 * Where the trained artifact of a Model is stored.
 *
 * @public
 */
export interface ModelArtifact extends JsonObject {
  /** Location of the artifact: `s3://bucket/key`, `file:///path`, … */
  location: string;
  /** Serialisation format: `savedmodel`, `torchscript`, `onnx`, `pickle`, `joblib`, … */
  format?: string;
}

/**
 * How a Model is deployed.
 *
 * @public
 */
export interface ModelServing extends JsonObject {
  /**
   * Entity references of the inference service: the Component (a Component by default) and/or
   * the API that serve the model.
   */
  servedBy?: string[];
  /** URL of the prediction endpoint. */
  endpoint?: string;
  /** Serving runtime: `tensorflow-serving`, `torchserve`, `kserve`, `triton`, `fastapi`, … */
  runtime?: string;
}

/**
 * A notebook about a Model (exploration, training, evaluation).
 *
 * @public
 */
export interface ModelNotebook extends JsonObject {
  /** URL of the notebook (JupyterHub, a repository, …). */
  url: string;
  /** What the notebook is. */
  title?: string;
}

/**
 * A Model: a trained machine-learning model, its lineage (the datasets it was trained on) and
 * how it is served.
 *
 * @public
 */
export interface ModelEntityV1alpha1 extends Entity {
  apiVersion: typeof KAML_D_API_VERSION;
  kind: 'Model';
  spec: {
    /** Entity reference of the owner (a Group by default). */
    owner: string;
    /** Lifecycle stage: `experimental`, `production`, `deprecated`, … */
    lifecycle: string;
    /** Entity reference of the System (project) the model belongs to. */
    system?: string;
    /** Framework the model is built with. */
    framework: ModelFramework;
    /** What the model does: `classification`, `regression`, `forecasting`, … */
    task: string;
    /** Entity references of the Datasets the model was trained on (Dataset by default). */
    trainedOn?: string[];
    /** Where the trained artifact is stored. */
    artifact?: ModelArtifact;
    /** How the model is deployed. */
    serving?: ModelServing;
    /** Notebooks about the model. */
    notebooks?: ModelNotebook[];
  };
}

const refArray = (description: string, examples: string[][]) => ({
  type: 'array',
  description,
  examples,
  items: { type: 'string', minLength: 1 },
});

/**
 * JSON schema of {@link ModelEntityV1alpha1}. It composes the base `Entity` schema of the
 * catalog with the Model `spec`.
 *
 * @public
 */
export const modelEntityV1alpha1Schema = {
  $schema: 'http://json-schema.org/draft-07/schema',
  $id: 'ModelV1alpha1',
  description:
    'A Model is a trained machine-learning model, with the datasets it was trained on, its artifact and how it is served.',
  examples: [
    {
      apiVersion: KAML_D_API_VERSION,
      kind: 'Model',
      metadata: {
        name: 'fraud-detector',
        description: 'Scores card transactions for fraud.',
        tags: ['fraud', 'classification'],
      },
      spec: {
        owner: 'data-science',
        lifecycle: 'production',
        system: 'fraud-detection',
        framework: 'xgboost',
        task: 'binary-classification',
        trainedOn: ['finance-transactions'],
        artifact: {
          location: 's3://kaml-models/fraud-detector/3/model.json',
          format: 'xgboost-json',
        },
        serving: {
          servedBy: [
            'component:fraud-detector-service',
            'api:fraud-detector-api',
          ],
          endpoint:
            'http://fraud-detector.kaml-d-models.svc/v1/models/fraud-detector:predict',
          runtime: 'kserve',
        },
        notebooks: [
          {
            title: 'Training',
            url: 'https://jupyter.kaml-d.example/user-redirect/lab/tree/fraud-detector/train.ipynb',
          },
        ],
      },
    },
  ],
  allOf: [
    { $ref: 'Entity' },
    {
      type: 'object',
      required: ['spec'],
      properties: {
        apiVersion: { enum: [KAML_D_API_VERSION] },
        kind: { enum: ['Model'] },
        spec: {
          type: 'object',
          required: ['owner', 'lifecycle', 'framework', 'task'],
          properties: {
            owner: {
              type: 'string',
              minLength: 1,
              description:
                'An entity reference to the owner of the model (a Group by default).',
              examples: ['data-science', 'user:bob'],
            },
            lifecycle: {
              type: 'string',
              minLength: 1,
              description: 'The lifecycle stage of the model.',
              examples: ['experimental', 'production', 'deprecated'],
            },
            system: {
              type: 'string',
              minLength: 1,
              description:
                'An entity reference to the System (project) that the model belongs to.',
              examples: ['fraud-detection'],
            },
            framework: {
              enum: [...MODEL_FRAMEWORKS],
              description: 'The framework the model is built with.',
              examples: ['tensorflow', 'pytorch', 'sklearn'],
            },
            task: {
              type: 'string',
              minLength: 1,
              description: 'What the model does.',
              examples: ['binary-classification', 'regression', 'forecasting'],
            },
            trainedOn: refArray(
              'Entity references of the Datasets the model was trained on (kind Dataset by default).',
              [['finance-transactions'], ['dataset:default/traffic-counts']],
            ),
            artifact: {
              type: 'object',
              description: 'Where the trained artifact is stored.',
              required: ['location'],
              properties: {
                location: {
                  type: 'string',
                  pattern: '^[a-z][a-z0-9+.-]*://.+',
                  description: 'URL of the artifact.',
                  examples: ['s3://kaml-models/fraud-detector/3/'],
                },
                format: {
                  type: 'string',
                  minLength: 1,
                  description: 'Serialisation format of the artifact.',
                  examples: ['savedmodel', 'torchscript', 'onnx', 'joblib'],
                },
              },
            },
            serving: {
              type: 'object',
              description: 'How the model is deployed.',
              properties: {
                servedBy: refArray(
                  'Entity references of the Component and/or API of the inference service (kind Component by default).',
                  [
                    [
                      'component:fraud-detector-service',
                      'api:fraud-detector-api',
                    ],
                  ],
                ),
                endpoint: {
                  type: 'string',
                  pattern: '^https?://.+',
                  description: 'URL of the prediction endpoint.',
                },
                runtime: {
                  type: 'string',
                  minLength: 1,
                  description: 'Serving runtime.',
                  examples: [
                    'kserve',
                    'tensorflow-serving',
                    'torchserve',
                    'fastapi',
                  ],
                },
              },
            },
            notebooks: {
              type: 'array',
              description: 'Notebooks about the model.',
              items: {
                type: 'object',
                required: ['url'],
                properties: {
                  url: {
                    type: 'string',
                    pattern: '^https?://.+',
                    description: 'URL of the notebook.',
                  },
                  title: {
                    type: 'string',
                    minLength: 1,
                    description: 'What the notebook is.',
                  },
                },
              },
            },
          },
        },
      },
    },
  ],
};

const validate = entityKindSchemaValidator(modelEntityV1alpha1Schema);

/**
 * Validator of {@link ModelEntityV1alpha1}: resolves to `false` for entities of another
 * apiVersion or kind, to `true` for valid Models, and rejects with a `TypeError` naming the
 * offending field (such as `/spec/framework`) otherwise.
 *
 * @public
 */
export const modelEntityV1alpha1Validator: KindValidator = {
  async check(data: Entity) {
    return validate(data) === data;
  },
};

/**
 * Type guard for {@link ModelEntityV1alpha1}.
 *
 * @public
 */
export const isModelEntity = (entity: Entity): entity is ModelEntityV1alpha1 =>
  entity.apiVersion === KAML_D_API_VERSION && entity.kind === 'Model';
