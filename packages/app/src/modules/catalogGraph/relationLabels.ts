import {
  RELATION_SERVED_BY,
  RELATION_SERVES,
  RELATION_TRAINED_ON,
  RELATION_TRAINING_DATA_OF,
} from '@kaml-d/plugin-kaml-d-common';

/** How the graph names a relation: KAML-D's lineage and the catalog's own, in words. */
export const RELATION_LABELS: Record<string, string> = {
  [RELATION_TRAINED_ON]: 'trained on',
  [RELATION_TRAINING_DATA_OF]: 'training data of',
  [RELATION_SERVED_BY]: 'served by',
  [RELATION_SERVES]: 'serves',
  ownerOf: 'owner of',
  ownedBy: 'owned by',
  hasPart: 'has part',
  partOf: 'part of',
  providesApi: 'provides API',
  apiProvidedBy: 'API provided by',
  consumesApi: 'consumes API',
  apiConsumedBy: 'API consumed by',
  dependsOn: 'depends on',
  dependencyOf: 'dependency of',
  parentOf: 'parent of',
  childOf: 'child of',
  hasMember: 'has member',
  memberOf: 'member of',
};

/** `trainedOn` → `trained on`; an unknown relation in words from its camel case. */
export function relationLabel(relation: string): string {
  return (
    RELATION_LABELS[relation] ??
    relation.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
  );
}

/** The label of an edge: its relations (one, or a pair when merged) in words. */
export function edgeLabel(relations: string[]): string {
  return relations.map(relationLabel).join(' / ');
}
