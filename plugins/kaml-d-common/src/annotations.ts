/**
 * Annotations that KAML-D reads or writes on catalog entities.
 *
 * @remarks
 *
 * KAML-D's own annotations live under the `kaml-d.io/` prefix. The Kubernetes ones are the
 * annotations of Backstage's Kubernetes plugin, repeated here so that KAML-D code and example
 * entities spell them the same way.
 */

/**
 * Which KAML-D entity provider discovered a Dataset, such as `kaml-d-storage:minio` or
 * `kaml-d-trino:warehouse`. Absent on hand-written entities.
 *
 * @public
 */
export const ANNOTATION_KAML_D_DISCOVERED_BY = 'kaml-d.io/discovered-by';

/**
 * Total bytes of a Dataset's data objects, measured in storage (by discovery, or by the catalog
 * module's facts processor for Datasets declared elsewhere).
 *
 * @public
 */
export const ANNOTATION_KAML_D_SIZE_BYTES = 'kaml-d.io/size-bytes';

/**
 * Number of a Dataset's data objects, measured in storage like {@link ANNOTATION_KAML_D_SIZE_BYTES}.
 *
 * @public
 */
export const ANNOTATION_KAML_D_OBJECT_COUNT = 'kaml-d.io/object-count';

/**
 * Latest modification (ISO 8601) among a Dataset's data objects, measured in storage.
 *
 * @public
 */
export const ANNOTATION_KAML_D_LAST_MODIFIED = 'kaml-d.io/last-modified';

/**
 * The Trino table (`catalog.schema.table`) through which a Dataset can be queried when its
 * location is object storage.
 *
 * @public
 */
export const ANNOTATION_KAML_D_TRINO_TABLE = 'kaml-d.io/trino-table';

/**
 * The Kubernetes object id (label `backstage.io/kubernetes-id`) of the workloads of a Model or
 * of its serving Component.
 *
 * @public
 */
export const ANNOTATION_KUBERNETES_ID = 'backstage.io/kubernetes-id';

/**
 * The Kubernetes namespace the workloads of a Model or of its serving Component run in.
 *
 * @public
 */
export const ANNOTATION_KUBERNETES_NAMESPACE =
  'backstage.io/kubernetes-namespace';

/**
 * On a System (a KAML-D project): the Kubernetes namespace where the training Jobs and model
 * Deployments of the project's Models run, one namespace per project. Projects without it share
 * the configured training and models namespaces.
 *
 * @public
 */
export const ANNOTATION_KAML_D_PROJECT_NAMESPACE = 'kaml-d.io/namespace';

/**
 * On an `images` or `audio` Dataset: what was measured about its files, as JSON of type
 * {@link DatasetMediaFacts} (file counts and bytes per extension; image dimensions or audio
 * durations from a sample of files). Read it with {@link parseMediaFacts}.
 *
 * @public
 */
export const ANNOTATION_KAML_D_MEDIA_FACTS = 'kaml-d.io/media-facts';

/**
 * On a Dataset whose columns were not declared: who read them from the data, such as
 * `engine:duckdb` (the catalog asks the KAML-D backend's query engine, the reader of the Schema
 * tab).
 *
 * @public
 */
export const ANNOTATION_KAML_D_SCHEMA_SOURCE = 'kaml-d.io/schema-source';
