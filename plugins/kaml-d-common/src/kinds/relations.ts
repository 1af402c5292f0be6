/**
 * A Model was trained on a Dataset: `model --trainedOn--> dataset`.
 *
 * @remarks
 * The reverse relation is {@link RELATION_TRAINING_DATA_OF}.
 *
 * @public
 */
export const RELATION_TRAINED_ON = 'trainedOn';

/**
 * A Dataset is training data of a Model: `dataset --trainingDataOf--> model`.
 *
 * @remarks
 * The reverse relation is {@link RELATION_TRAINED_ON}.
 *
 * @public
 */
export const RELATION_TRAINING_DATA_OF = 'trainingDataOf';

/**
 * A Model is served by an inference service (a Component or an API):
 * `model --servedBy--> component`.
 *
 * @remarks
 * The reverse relation is {@link RELATION_SERVES}.
 *
 * @public
 */
export const RELATION_SERVED_BY = 'servedBy';

/**
 * An inference service (a Component or an API) serves a Model: `component --serves--> model`.
 *
 * @remarks
 * The reverse relation is {@link RELATION_SERVED_BY}.
 *
 * @public
 */
export const RELATION_SERVES = 'serves';
