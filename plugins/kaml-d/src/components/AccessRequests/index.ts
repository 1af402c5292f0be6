export { AccessRequestsPage } from './AccessRequestsPage';
export { DatasetAccessGate } from './DatasetAccessGate';
export {
  AccessDenied,
  RequestAccess,
  RequestAccessDialog,
} from './RequestAccess';
