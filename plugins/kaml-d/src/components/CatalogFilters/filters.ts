import { Entity } from '@backstage/catalog-model';
import {
  DefaultEntityFilters,
  EntityFilter,
} from '@backstage/plugin-catalog-react';

/** Keeps entities whose `spec.<field>` is one of the selected values. */
abstract class SpecFieldFilter implements EntityFilter {
  protected abstract readonly field: string;

  constructor(readonly values: string[]) {}

  getCatalogFilters(): Record<string, string[]> {
    return { [`spec.${this.field}`]: this.values };
  }

  filterEntity(entity: Entity): boolean {
    const value = entity.spec?.[this.field];
    return typeof value === 'string' && this.values.includes(value);
  }

  toQueryValue(): string[] {
    return this.values;
  }
}

/**
 * Catalog list filter on the format of Datasets (`spec.format`).
 *
 * @public
 */
export class DatasetFormatFilter extends SpecFieldFilter {
  protected readonly field = 'format';
}

/**
 * Catalog list filter on the framework of Models (`spec.framework`).
 *
 * @public
 */
export class ModelFrameworkFilter extends SpecFieldFilter {
  protected readonly field = 'framework';
}

/**
 * The catalog list filters with the KAML-D ones.
 *
 * @public
 */
export type KamlDEntityFilters = DefaultEntityFilters & {
  format?: DatasetFormatFilter;
  framework?: ModelFrameworkFilter;
};
