import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { DatasetsService } from '../services/Datasets';
import { SNAPSHOT_ID_PATTERN } from '../services/Snapshots/ids';
import { entityRefInput, userCredentials } from './common';
import { Zod } from './facts';

/** Columns, rows and limits: the shape of previews and query results. */
function rowsFields(z: Zod) {
  return {
    engine: z
      .string()
      .describe('The engine that read the rows: duckdb or trino'),
    columns: z.array(z.object({ name: z.string(), type: z.string() })),
    rows: z
      .array(z.array(z.any()))
      .describe(
        'One array per row, values in the order of columns (integers beyond 2^53 and times are strings)',
      ),
    limit: z.number().describe('The row limit that applied'),
    truncated: z
      .boolean()
      .describe('Whether more rows exist than the limit let through'),
    elapsedMs: z.number(),
  };
}

/**
 * `kaml-d:preview-dataset`: the first rows of a dataset (or of a snapshot of it) through the
 * same service call as `GET /datasets/:namespace/:name/preview`: the caller's
 * `kaml-d.dataset.preview` permission (owners only where a column is classified pii, unless an
 * access request was approved), the storage binding and the engine's row limit.
 */
export function registerPreviewDatasetAction(options: {
  actionsRegistry: ActionsRegistryService;
  datasets: Pick<DatasetsService, 'preview'>;
}) {
  const { actionsRegistry, datasets } = options;
  actionsRegistry.register({
    name: 'preview-dataset',
    title: 'Preview a dataset',
    description:
      'Returns the first rows of a KAML-D dataset, or of one of its snapshots, with the column names and types. Needs the kaml-d.dataset.preview permission on the dataset, as the Preview tab does (datasets with a pii column: their owners, or users whose access request was approved). For filters, joins or aggregates use query-datasets.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          dataset: z
            .string()
            .min(1)
            .max(300)
            .describe(
              'The dataset: name, namespace/name or dataset:namespace/name',
            ),
          limit: z
            .number()
            .int()
            .min(1)
            .optional()
            .describe(
              'Rows at most (the server default and cap apply, 100 unless configured)',
            ),
          snapshot: z
            .string()
            .regex(
              SNAPSHOT_ID_PATTERN,
              'must be a snapshot id such as snap-20261126t070102z-3f9a1c',
            )
            .optional()
            .describe(
              'Read this snapshot of the dataset instead of its current files',
            ),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          snapshot: z.string().optional(),
          ...rowsFields(z),
        }),
    },
    examples: [
      {
        title: 'First ten rows',
        input: { dataset: 'finance-transactions', limit: 10 },
      },
    ],
    action: async ({ input, credentials }) => {
      const user = userCredentials(credentials);
      const ref = entityRefInput(input.dataset, 'dataset');
      const preview = await datasets.preview(
        ref,
        input.limit,
        user,
        input.snapshot,
      );
      return {
        output: {
          entityRef: preview.entityRef,
          ...(preview.snapshot ? { snapshot: preview.snapshot } : {}),
          engine: preview.engine,
          columns: preview.columns,
          rows: preview.rows,
          limit: preview.limit,
          truncated: preview.truncated,
          elapsedMs: preview.elapsedMs,
        },
      };
    },
  });
}

/**
 * `kaml-d:query-datasets`: one read-only SQL statement through the same service call as
 * `POST /query`: the SQL guard (one statement, parsed by the engine's parser, a query only),
 * the caller's `kaml-d.dataset.query` permission on every dataset it reads, the storage
 * bindings, the engines' concurrency gate and the row cap.
 */
export function registerQueryDatasetsAction(options: {
  actionsRegistry: ActionsRegistryService;
  datasets: Pick<DatasetsService, 'query'>;
}) {
  const { actionsRegistry, datasets } = options;
  actionsRegistry.register({
    name: 'query-datasets',
    title: 'Query datasets with SQL',
    description:
      'Runs one read-only SQL statement (SELECT or WITH … SELECT) over KAML-D datasets and returns its rows. Name datasets as quoted identifiers: SELECT region, sum(amount) FROM "finance-transactions" GROUP BY region; "namespace/name" outside the default namespace, "name@<snapshot id>" for a snapshot. Statements that write, more than one statement, and system functions are refused. Needs the kaml-d.dataset.query permission on every dataset read.',
    // it reads only; a statement that would write is refused before it runs
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          sql: z
            .string()
            .min(1, 'write a statement such as SELECT * FROM "my-dataset"')
            .describe(
              'One read-only statement, such as SELECT * FROM "my-dataset" LIMIT 10',
            ),
          limit: z
            .number()
            .int()
            .min(1)
            .optional()
            .describe(
              'Rows returned at most (the server default and cap apply, 1000 unless configured)',
            ),
        }),
      output: z =>
        z.object({
          datasets: z
            .array(z.string())
            .describe('Entity references of the datasets the statement read'),
          snapshots: z
            .array(z.object({ datasetRef: z.string(), snapshotId: z.string() }))
            .optional(),
          ...rowsFields(z),
        }),
    },
    examples: [
      {
        title: 'Totals per region',
        input: {
          sql: 'SELECT region, sum(amount) AS total FROM "sales" GROUP BY region ORDER BY region',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const user = userCredentials(credentials);
      const result = await datasets.query(input.sql, input.limit, user);
      return {
        output: {
          datasets: result.datasets,
          ...(result.snapshots ? { snapshots: result.snapshots } : {}),
          engine: result.engine,
          columns: result.columns,
          rows: result.rows,
          limit: result.limit,
          truncated: result.truncated,
          elapsedMs: result.elapsedMs,
        },
      };
    },
  });
}
