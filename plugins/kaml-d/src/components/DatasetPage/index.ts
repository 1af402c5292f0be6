export { DatasetAboutCard } from './DatasetAboutCard';
export { DatasetSchemaCard } from './DatasetSchemaCard';
export { DatasetUsedByCard } from './DatasetUsedByCard';
