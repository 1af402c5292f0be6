import { KamlDGovernanceApi } from '../../api/GovernanceApi';

/** A governance API whose calls answer as given; the others fail saying they were not expected. */
export function mockGovernanceApi(
  answers: Partial<KamlDGovernanceApi> = {},
): KamlDGovernanceApi {
  const unexpected = (name: string) => async () => {
    throw new Error(`unexpected call ${name}`);
  };
  return {
    getAuditLog: unexpected('getAuditLog'),
    exportAuditLog: unexpected('exportAuditLog'),
    createAccessRequest: unexpected('createAccessRequest'),
    listAccessRequests: async () => ({ items: [] }),
    decideAccessRequest: unexpected('decideAccessRequest'),
    ...answers,
  };
}
