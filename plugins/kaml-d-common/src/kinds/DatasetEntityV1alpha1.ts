import {
  Entity,
  entityKindSchemaValidator,
  KindValidator,
} from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { KAML_D_API_VERSION } from './constants';

/**
 * File formats a Dataset can be stored in.
 *
 * @remarks
 * `images`, `audio` and `video` are folders of media files (often with a metadata CSV beside them);
 * the others are tabular or semi-structured files a query engine can read.
 *
 * @public
 */
export const DATASET_FORMATS = [
  'csv',
  'tsv',
  'parquet',
  'orc',
  'avro',
  'json',
  'jsonl',
  'delta',
  'iceberg',
  'images',
  'audio',
  'video',
  'text',
  'binary',
] as const;

/**
 * The formats a query engine reads as a table: the ones with a schema, a preview and SQL.
 *
 * @public
 */
export const TABULAR_DATASET_FORMATS = [
  'csv',
  'tsv',
  'parquet',
  'json',
  'jsonl',
] as const;

/**
 * One of {@link DATASET_FORMATS}.
 *
 * @public
 */
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/**
 * How sensitive the values of a column are. Permission rules gate previews on it: `pii` and
 * `sensitive` columns are only shown to the dataset's owners.
 *
 * @public
 */
export const COLUMN_CLASSIFICATIONS = [
  'public',
  'internal',
  'confidential',
  'sensitive',
  'pii',
] as const;

/**
 * One of {@link COLUMN_CLASSIFICATIONS}.
 *
 * @public
 */
export type ColumnClassification = (typeof COLUMN_CLASSIFICATIONS)[number];

/**
 * URL schemes a Dataset location may use: object storage (`s3://bucket/prefix`), a local
 * directory (`file:///path`), a Trino table (`trino://catalog/schema/table`) or a Kubernetes
 * PersistentVolumeClaim (`pvc://cluster/namespace/claim`, versioned by VolumeSnapshots).
 *
 * @public
 */
export const DATASET_LOCATION_SCHEMES = ['s3', 'file', 'trino', 'pvc'] as const;

/**
 * A declared column of a tabular Dataset.
 *
 * @public
 */
export interface DatasetColumn extends JsonObject {
  /** Column name as it appears in the files or the table. */
  name: string;
  /** Type of the values, preferably a SQL type: `varchar`, `bigint`, `double`, `timestamp`, … */
  type: string;
  /** What the column holds, in words. */
  description?: string;
  /** How sensitive the values are. */
  classification?: ColumnClassification;
}

/**
 * Size hints of a Dataset, as last measured. Every field is optional.
 *
 * @public
 */
export interface DatasetSize extends JsonObject {
  /** Total size of the files in bytes. */
  bytes?: number;
  /** Number of rows (tabular data) or items (images, audio clips). */
  rows?: number;
  /** Number of files or objects. */
  files?: number;
}

/**
 * A Dataset: a named body of data in object storage, on local disk or behind a Trino table,
 * owned by a team and used to train models.
 *
 * @public
 */
export interface DatasetEntityV1alpha1 extends Entity {
  apiVersion: typeof KAML_D_API_VERSION;
  kind: 'Dataset';
  spec: {
    /** Entity reference of the owner (a Group by default). */
    owner: string;
    /** Lifecycle stage: `experimental`, `production`, `deprecated`, … */
    lifecycle: string;
    /** Entity reference of the System (project) the dataset belongs to. */
    system?: string;
    /** File format of the data. */
    format: DatasetFormat;
    /** Where the data lives: `s3://bucket/prefix/`, `file:///path/` or `trino://catalog/schema/table`. */
    location: string;
    /** The declared schema of tabular data. */
    schema?: {
      columns: DatasetColumn[];
    };
    /** Size hints. */
    size?: DatasetSize;
  };
}

const entityRefField = (description: string, examples: string[]) => ({
  type: 'string',
  minLength: 1,
  description,
  examples,
});

/**
 * JSON schema of {@link DatasetEntityV1alpha1}. It composes the base `Entity` schema of the
 * catalog with the Dataset `spec`.
 *
 * @public
 */
export const datasetEntityV1alpha1Schema = {
  $schema: 'http://json-schema.org/draft-07/schema',
  $id: 'DatasetV1alpha1',
  description:
    'A Dataset is a named body of data (files in object storage or on disk, or a Trino table) owned by a team and used to train models.',
  examples: [
    {
      apiVersion: KAML_D_API_VERSION,
      kind: 'Dataset',
      metadata: {
        name: 'finance-transactions',
        description:
          'Card transactions with a fraud label, one CSV file per quarter.',
        tags: ['finance', 'fraud', 'pii'],
      },
      spec: {
        owner: 'data-engineering',
        lifecycle: 'production',
        system: 'fraud-detection',
        format: 'csv',
        location: 's3://kaml-datasets/finance-transactions/',
        schema: {
          columns: [
            {
              name: 'transaction_id',
              type: 'varchar',
              description: 'Unique transaction id',
            },
            {
              name: 'email',
              type: 'varchar',
              description: 'Card holder e-mail',
              classification: 'pii',
            },
          ],
        },
        size: { bytes: 52428800, rows: 400000, files: 4 },
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
        kind: { enum: ['Dataset'] },
        spec: {
          type: 'object',
          required: ['owner', 'lifecycle', 'format', 'location'],
          properties: {
            owner: entityRefField(
              'An entity reference to the owner of the dataset (a Group by default).',
              ['data-engineering', 'user:alice'],
            ),
            lifecycle: {
              type: 'string',
              minLength: 1,
              description: 'The lifecycle stage of the dataset.',
              examples: ['experimental', 'production', 'deprecated'],
            },
            system: entityRefField(
              'An entity reference to the System (project) that the dataset belongs to.',
              ['fraud-detection'],
            ),
            format: {
              enum: [...DATASET_FORMATS],
              description: 'The file format of the data.',
              examples: ['csv', 'parquet', 'images'],
            },
            location: {
              type: 'string',
              pattern: '^(s3|file|trino|pvc)://.+',
              description:
                'Where the data lives: an object-storage prefix, a local directory, a Trino table or a PersistentVolumeClaim.',
              examples: [
                's3://kaml-datasets/traffic-counts/',
                'file:///srv/data/traffic-counts/',
                'trino://hive/kaml/traffic_counts',
                'pvc://kaml-d/kaml-d-training/traffic-counts',
              ],
            },
            schema: {
              type: 'object',
              description: 'The declared schema of tabular data.',
              required: ['columns'],
              properties: {
                columns: {
                  type: 'array',
                  description: 'The columns, in file order.',
                  items: {
                    type: 'object',
                    required: ['name', 'type'],
                    properties: {
                      name: {
                        type: 'string',
                        minLength: 1,
                        description: 'Column name.',
                        examples: ['amount'],
                      },
                      type: {
                        type: 'string',
                        minLength: 1,
                        description:
                          'Type of the values, preferably a SQL type.',
                        examples: ['varchar', 'double', 'timestamp'],
                      },
                      description: {
                        type: 'string',
                        description: 'What the column holds.',
                      },
                      classification: {
                        enum: [...COLUMN_CLASSIFICATIONS],
                        description: 'How sensitive the values are.',
                        examples: ['pii'],
                      },
                    },
                  },
                },
              },
            },
            size: {
              type: 'object',
              description: 'Size hints, as last measured.',
              properties: {
                bytes: {
                  type: 'integer',
                  minimum: 0,
                  description: 'Total size in bytes.',
                },
                rows: {
                  type: 'integer',
                  minimum: 0,
                  description: 'Number of rows or items.',
                },
                files: {
                  type: 'integer',
                  minimum: 0,
                  description: 'Number of files or objects.',
                },
              },
            },
          },
        },
      },
    },
  ],
};

const validate = entityKindSchemaValidator(datasetEntityV1alpha1Schema);

/**
 * Validator of {@link DatasetEntityV1alpha1}: resolves to `false` for entities of another
 * apiVersion or kind, to `true` for valid Datasets, and rejects with a `TypeError` naming the
 * offending field (such as `/spec/location`) otherwise.
 *
 * @public
 */
export const datasetEntityV1alpha1Validator: KindValidator = {
  async check(data: Entity) {
    return validate(data) === data;
  },
};

/**
 * Type guard for {@link DatasetEntityV1alpha1}.
 *
 * @public
 */
export const isDatasetEntity = (
  entity: Entity,
): entity is DatasetEntityV1alpha1 =>
  entity.apiVersion === KAML_D_API_VERSION && entity.kind === 'Dataset';
