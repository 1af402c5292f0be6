export { DatasetVersionsContent } from './DatasetVersionsContent';
export { ModelVersionsContent } from './ModelVersionsContent';
