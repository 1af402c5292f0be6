/**
 * KAML-D for Backstage: the Workbench, dataset and model pages, health tabs.
 *
 * @packageDocumentation
 */

export { kamlDPlugin as default } from './plugin';
export { kamlDApiRef, KamlDClient } from './api';
export type {
  KamlDApi,
  CatalogProblem,
  DatasetName,
  DatasetUploadRequest,
  ObservedEntityName,
} from './api';
export {
  rootRouteRef,
  auditRouteRef,
  accessRequestsRouteRef,
  sreRouteRef,
} from './routes';
export { kamlDGovernanceApiRef } from './api/GovernanceApi';
export type {
  KamlDGovernanceApi,
  AuditLogFilters,
  AuditLogPageRequest,
} from './api/GovernanceApi';
export { KamlDGovernanceClient } from './api/GovernanceClient';
export { AuditLogGate } from './components/AuditPage/AuditLogGate';

// The legacy frontend system (`@backstage/core-plugin-api`): see "Legacy frontend system" in the
// README.
export * from './legacy';
