export { createAuditLogService, AUDIT_TABLE } from './createAuditLogService';
export type { AuditLogService, AuditQuery } from './types';
