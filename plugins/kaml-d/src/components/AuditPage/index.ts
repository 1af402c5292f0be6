export { AuditPage } from './AuditPage';
export { AuditLogGate } from './AuditLogGate';
