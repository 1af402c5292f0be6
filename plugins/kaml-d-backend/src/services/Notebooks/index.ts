export {
  createNotebooksService,
  hubUserName,
  notebookPath,
} from './createNotebooksService';
export type { NotebooksService } from './createNotebooksService';
export { readNotebooksConfig } from './config';
export type { NotebooksConfig } from './config';
export { createHubClient } from './hub';
export type { HubClient, HubServer, HubUser } from './hub';
