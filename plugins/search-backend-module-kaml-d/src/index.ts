/**
 * KAML-D search module: indexes Dataset entities with their columns, tags, format and size, so
 * the search box finds a dataset by a column name. Works with any search engine (Lunr,
 * Elasticsearch/OpenSearch, PostgreSQL).
 *
 * @packageDocumentation
 */

export {
  searchModuleKamlDDatasets as default,
  DEFAULT_DATASET_COLLATOR_SCHEDULE,
} from './module';
export * from './collators';
