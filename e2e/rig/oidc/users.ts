// Test users of the rig's OpenID provider. They match the catalog's User entities; `groups` holds
// the names of their catalog groups.

export interface RigUser {
  sub: string;
  name: string;
  givenName: string;
  familyName: string;
  email: string;
  groups: string[];
}

export const EMAIL_DOMAIN = 'kaml-d.example';

export const USERS: RigUser[] = [
  { sub: 'alice', name: 'Alice Andersen', givenName: 'Alice', familyName: 'Andersen', email: `alice@${EMAIL_DOMAIN}`, groups: ['data-science'] },
  { sub: 'bob', name: 'Bob Brandt', givenName: 'Bob', familyName: 'Brandt', email: `bob@${EMAIL_DOMAIN}`, groups: ['data-engineering'] },
  { sub: 'carol', name: 'Carol Castillo', givenName: 'Carol', familyName: 'Castillo', email: `carol@${EMAIL_DOMAIN}`, groups: ['ml-platform-sre'] },
  { sub: 'dave', name: 'Dave Dubois', givenName: 'Dave', familyName: 'Dubois', email: `dave@${EMAIL_DOMAIN}`, groups: ['admins'] },
];

/** Finds a user by login: the user name (`alice`) or the e-mail address. */
export function findUser(login: string): RigUser | undefined {
  const l = login.trim().toLowerCase();
  return USERS.find(u => u.sub === l || u.email === l);
}
