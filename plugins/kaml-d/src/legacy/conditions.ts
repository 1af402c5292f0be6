import { Entity } from '@backstage/catalog-model';

function isKind(entity: Entity, kind: string): boolean {
  return entity.kind.toLocaleLowerCase('en-US') === kind;
}

/**
 * True for a Dataset, for `<EntitySwitch.Case if={isKamlDDataset}>` in a legacy entity page.
 *
 * @public
 */
export function isKamlDDataset(entity: Entity): boolean {
  return isKind(entity, 'dataset');
}

/**
 * True for a Model, for `<EntitySwitch.Case if={isKamlDModel}>` in a legacy entity page.
 *
 * @public
 */
export function isKamlDModel(entity: Entity): boolean {
  return isKind(entity, 'model');
}
