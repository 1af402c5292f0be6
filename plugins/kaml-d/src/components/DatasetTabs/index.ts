export { DatasetSchemaContent } from './DatasetSchemaContent';
export { DatasetPreviewContent } from './DatasetPreviewContent';
export { DatasetProfileContent } from './DatasetProfileContent';
