/**
 * The apiVersion of the KAML-D kinds.
 *
 * @public
 */
export const KAML_D_API_VERSION = 'kaml-d.io/v1alpha1' as const;

/**
 * The kind of a Dataset entity.
 *
 * @public
 */
export const DATASET_KIND = 'Dataset' as const;

/**
 * The kind of a Model entity.
 *
 * @public
 */
export const MODEL_KIND = 'Model' as const;
