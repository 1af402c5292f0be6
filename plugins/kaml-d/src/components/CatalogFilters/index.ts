export { DatasetFormatFilter, ModelFrameworkFilter } from './filters';
export type { KamlDEntityFilters } from './filters';
export { DatasetFormatPicker, ModelFrameworkPicker } from './pickers';
