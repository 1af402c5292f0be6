import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  Entity,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  RELATION_SERVED_BY,
  RELATION_TRAINING_DATA_OF,
} from '@kaml-d/plugin-kaml-d-common';
import { DatasetsService } from '../services/Datasets';
import { entityRefInput, explainableError, userCredentials } from './common';
import { Zod, datasetFacts } from './facts';

/** Output schema of {@link DatasetFacts}. */
function datasetFactsSchema(z: Zod) {
  return z.object({
    entityRef: z
      .string()
      .describe('Entity reference, such as dataset:default/sales'),
    title: z.string(),
    description: z.string().optional(),
    owner: z.string().describe('Entity reference of the owning group or user'),
    lifecycle: z.string().optional(),
    system: z
      .string()
      .optional()
      .describe('The project (System) it belongs to'),
    format: z.string().describe('csv, parquet, jsonl, json, images, …'),
    location: z
      .string()
      .describe('Where the data lives: s3://, file:// or trino://'),
    tags: z.array(z.string()),
    columns: z
      .array(
        z.object({
          name: z.string(),
          type: z.string(),
          description: z.string().optional(),
          classification: z
            .string()
            .optional()
            .describe('public, internal, confidential or pii'),
        }),
      )
      .describe('Columns declared on the entity (spec.schema.columns)'),
    bytes: z.number().optional().describe('Total size in bytes, when known'),
    files: z
      .number()
      .optional()
      .describe('Number of files or objects, when known'),
    rows: z
      .number()
      .optional()
      .describe('Number of rows or items, when declared'),
    modified: z
      .string()
      .optional()
      .describe('When the data last changed (ISO 8601), when known'),
  });
}

/** Datasets an answer lists at most, and by default. */
export const SEARCH_MAX_RESULTS = 100;
const SEARCH_DEFAULT_RESULTS = 20;

/**
 * Entity fields the text is looked for in (the catalog's search table, lower-cased): names,
 * title, description, tags and the declared columns, the same fields the dataset search
 * documents hold.
 */
export const SEARCH_TEXT_FIELDS = [
  'metadata.name',
  'metadata.title',
  'metadata.description',
  'metadata.tags',
  'spec.format',
  'spec.schema.columns.name',
  'spec.schema.columns.description',
];

/** The catalog filter of a search: Datasets, with the tag and the column when given. */
export function searchFilter(input: { tag?: string; column?: string }) {
  return {
    kind: 'Dataset',
    ...(input.tag ? { 'metadata.tags': input.tag.trim() } : {}),
    ...(input.column
      ? { 'spec.schema.columns.name': input.column.trim() }
      : {}),
  };
}

/**
 * `kaml-d:search-datasets`: datasets by text, tag and declared column, read from the catalog
 * with the caller's credentials (so the catalog's read permission applies, as on the
 * Workbench).
 */
export function registerSearchDatasetsAction(options: {
  actionsRegistry: ActionsRegistryService;
  catalog: CatalogService;
}) {
  const { actionsRegistry, catalog } = options;
  actionsRegistry.register({
    name: 'search-datasets',
    title: 'Search datasets',
    description:
      'Finds KAML-D datasets in the catalog by a word or phrase (in names, titles, descriptions, tags, formats, column names and descriptions), by tag and by column name. All given criteria must match. Answers each dataset with its owner, format, location, tags, declared columns and size facts. Use describe-dataset for lineage and the schema the query engine reads.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          text: z
            .string()
            .trim()
            .min(1)
            .max(200)
            .optional()
            .describe(
              'A word or phrase looked for, as written and ignoring case, in names, titles, descriptions, tags, formats and column names',
            ),
          tag: z
            .string()
            .trim()
            .min(1)
            .max(63)
            .optional()
            .describe('A tag the dataset must carry, such as finance'),
          column: z
            .string()
            .trim()
            .min(1)
            .max(255)
            .optional()
            .describe('A column the dataset must declare, such as customer_id'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(SEARCH_MAX_RESULTS)
            .optional()
            .describe(
              `Datasets returned at most (default ${SEARCH_DEFAULT_RESULTS}, at most ${SEARCH_MAX_RESULTS})`,
            ),
        }),
      output: z =>
        z.object({
          datasets: z.array(datasetFactsSchema(z)),
          totalItems: z
            .number()
            .describe(
              'How many datasets match, of which the first limit are listed',
            ),
        }),
    },
    examples: [
      {
        title: 'Datasets with a column',
        input: { column: 'customer_id' },
      },
      {
        title: 'Finance datasets about transactions',
        input: { text: 'transactions', tag: 'finance' },
      },
    ],
    action: async ({ input, credentials }) => {
      const user = userCredentials(credentials);
      const limit = input.limit ?? SEARCH_DEFAULT_RESULTS;
      const { items, totalItems } = await catalog.queryEntities(
        {
          filter: searchFilter(input),
          ...(input.text
            ? {
                fullTextFilter: {
                  term: input.text,
                  fields: SEARCH_TEXT_FIELDS,
                },
              }
            : {}),
          orderFields: { field: 'metadata.name', order: 'asc' },
          limit,
        },
        { credentials: user },
      );
      const datasets = items.flatMap(entity => {
        const facts = datasetFacts(entity);
        return facts ? [facts] : [];
      });
      return { output: { datasets, totalItems } };
    },
  });
}

/** Relations that lead from a dataset to what it was made from. */
const UPSTREAM = [RELATION_DEPENDS_ON];
/** Relations that lead from a dataset to what is made from it (models, then endpoints). */
const DOWNSTREAM = [RELATION_TRAINING_DATA_OF, RELATION_DEPENDENCY_OF];

/** One entity in a dataset's lineage. */
export interface LineageEntry {
  entityRef: string;
  kind: string;
  title: string;
  /** The relation from the entity before it in the chain. */
  relation: string;
  /** The entity the relation starts from, when it is not the dataset itself. */
  via?: string;
}

function lineageEntrySchema(z: Zod) {
  return z.object({
    entityRef: z.string(),
    kind: z.string(),
    title: z.string(),
    relation: z
      .string()
      .describe('dependsOn, trainingDataOf, dependencyOf, servedBy'),
    via: z
      .string()
      .optional()
      .describe('The entity the relation starts from, when not the dataset'),
  });
}

function targets(entity: Entity, types: string[]) {
  return (entity.relations ?? []).filter(r => types.includes(r.type));
}

/**
 * The entities related to those of `from` by `types` (`withVia`: naming the one each starts
 * from), as the caller sees them in the catalog:
 * related entities the caller may not read are left out, as on the catalog graph.
 */
async function related(
  catalog: CatalogService,
  from: Entity[],
  types: string[],
  credentials: BackstageCredentials,
  withVia = false,
): Promise<Array<{ entry: LineageEntry; entity: Entity }>> {
  const pairs = from.flatMap(source =>
    targets(source, types).map(r => ({ source, relation: r })),
  );
  if (pairs.length === 0) return [];
  const refs = [...new Set(pairs.map(p => p.relation.targetRef))];
  const { items } = await catalog.getEntitiesByRefs(
    { entityRefs: refs },
    { credentials },
  );
  const byRef = new Map<string, Entity>();
  items.forEach((item, i) => {
    if (item) byRef.set(refs[i], item);
  });
  return pairs.flatMap(({ source, relation }) => {
    const entity = byRef.get(relation.targetRef);
    if (!entity) return [];
    return [
      {
        entity,
        entry: {
          entityRef: stringifyEntityRef(entity),
          kind: entity.kind,
          title: entity.metadata.title ?? entity.metadata.name,
          relation: relation.type,
          ...(withVia ? { via: stringifyEntityRef(source) } : {}),
        },
      },
    ];
  });
}

/**
 * `kaml-d:describe-dataset`: what the catalog says of a dataset (owner, facts, declared
 * columns), the schema the query engine reads (with the same permission as the Schema tab)
 * and its lineage, upstream and downstream.
 */
export function registerDescribeDatasetAction(options: {
  actionsRegistry: ActionsRegistryService;
  catalog: CatalogService;
  datasets: Pick<DatasetsService, 'schema'>;
}) {
  const { actionsRegistry, catalog, datasets } = options;
  actionsRegistry.register({
    name: 'describe-dataset',
    title: 'Describe a dataset',
    description:
      'Describes one KAML-D dataset: owner, project, format, location, tags, size, file count, row count and last change where known, the columns declared in the catalog, the columns the query engine reads from the data (needs the kaml-d.dataset.preview permission; otherwise schemaError says why), and its lineage: upstream datasets it depends on, downstream models trained on it and the endpoints serving those models.',
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
        }),
      output: z =>
        z.object({
          dataset: datasetFactsSchema(z),
          schema: z
            .object({
              engine: z
                .string()
                .describe('The engine that read it: duckdb or trino'),
              columns: z.array(
                z.object({ name: z.string(), type: z.string() }),
              ),
            })
            .optional()
            .describe(
              'The columns as the query engine reads them from the data',
            ),
          schemaError: z
            .string()
            .optional()
            .describe(
              'Why the engine schema is missing, such as a refused permission',
            ),
          lineage: z.object({
            upstream: z.array(lineageEntrySchema(z)),
            downstream: z.array(lineageEntrySchema(z)),
          }),
        }),
    },
    examples: [
      {
        title: 'Describe a dataset of the default namespace',
        input: { dataset: 'finance-transactions' },
      },
    ],
    action: async ({ input, credentials }) => {
      const user = userCredentials(credentials);
      const ref = entityRefInput(input.dataset, 'dataset');
      const entityRef = stringifyEntityRef(ref);
      const entity = await catalog.getEntityByRef(entityRef, {
        credentials: user,
      });
      const facts = entity && datasetFacts(entity);
      if (!entity || !facts) {
        throw new NotFoundError(
          `No dataset ${entityRef} in the catalog; search-datasets lists the datasets you can see.`,
        );
      }
      let schema;
      let schemaError: string | undefined;
      try {
        const read = await datasets.schema(ref, user);
        schema = { engine: read.engine, columns: read.columns };
      } catch (error) {
        schemaError = explainableError(error);
        if (!schemaError) throw error;
      }
      const upstream = await related(catalog, [entity], UPSTREAM, user);
      const firstHop = await related(catalog, [entity], DOWNSTREAM, user);
      const models = firstHop
        .map(hop => hop.entity)
        .filter(e => e.kind === 'Model');
      const servedBy = await related(
        catalog,
        models,
        [RELATION_SERVED_BY],
        user,
        true,
      );
      return {
        output: {
          dataset: facts,
          ...(schema ? { schema } : {}),
          ...(schemaError ? { schemaError } : {}),
          lineage: {
            upstream: upstream.map(hop => hop.entry),
            downstream: [...firstHop, ...servedBy].map(hop => hop.entry),
          },
        },
      };
    },
  });
}
