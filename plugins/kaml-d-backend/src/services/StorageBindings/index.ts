export { createStorageBindingsService } from './createStorageBindingsService';
export type { StorageBindingsService } from './createStorageBindingsService';
