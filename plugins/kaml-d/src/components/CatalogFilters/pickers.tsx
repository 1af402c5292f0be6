import { EntityAutocompletePicker } from '@backstage/plugin-catalog-react';
import {
  DatasetFormatFilter,
  KamlDEntityFilters,
  ModelFrameworkFilter,
} from './filters';

/**
 * Picks Dataset formats in the catalog list. Shows only when the listed kind has formats.
 */
export function DatasetFormatPicker() {
  return (
    <EntityAutocompletePicker<KamlDEntityFilters, 'format'>
      label="Format"
      name="format"
      path="spec.format"
      Filter={DatasetFormatFilter}
      showCounts
    />
  );
}

/**
 * Picks Model frameworks in the catalog list. Shows only when the listed kind has frameworks.
 */
export function ModelFrameworkPicker() {
  return (
    <EntityAutocompletePicker<KamlDEntityFilters, 'framework'>
      label="Framework"
      name="framework"
      path="spec.framework"
      Filter={ModelFrameworkFilter}
      showCounts
    />
  );
}
