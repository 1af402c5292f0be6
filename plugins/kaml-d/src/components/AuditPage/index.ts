export { AuditPage } from './AuditPage';
export { AuditLogGate, AuditLogLink } from './AuditLogGate';
