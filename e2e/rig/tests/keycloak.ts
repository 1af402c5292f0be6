// Signing in at the rig's Keycloak (service oidc) without a browser: follows the authorization
// request to Keycloak's login form (form#kc-form-login, fields username and password), posts it and
// follows the redirects until one leaves for the client's redirect URI. Shared by the rig tests.

/** A minimal cookie jar: enough for Keycloak's AUTH_SESSION_ID / KC_RESTART cookies. */
export class Jar {
  private cookies = new Map<string, string>();
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || /expires=Thu, 01[ -]Jan[ -]1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface LoginResult {
  /** The redirect to the client (carrying code and state) when the login succeeded. */
  location?: string;
  status: number;
  /** The login page shown again (with its error) when the login was refused. */
  body?: string;
}

function decodeEntities(s: string): string {
  return s.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'");
}

/**
 * Follows `authUrl` through Keycloak's login form as `user`; stops at the first redirect whose
 * target starts with `redirectPrefix`. `jar` carries cookies across hops (pass one to reuse it).
 */
export async function keycloakLogin(
  authUrl: string,
  user: string,
  password: string,
  redirectPrefix: string,
  jar = new Jar(),
): Promise<LoginResult> {
  let url = authUrl;
  let posted = false;
  for (let hop = 0; hop < 15; hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(res);
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, url).toString();
      if (next.startsWith(redirectPrefix)) return { location: next, status: res.status };
      url = next;
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) return { status: res.status, body: html };
    const action = /<form id="kc-form-login"[^>]*\saction="([^"]+)"/.exec(html)?.[1];
    if (!action) return { status: res.status, body: html };
    if (posted) return { status: res.status, body: html };
    const answer = await fetch(new URL(decodeEntities(action), url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: user, password, credentialId: '' }),
    });
    jar.store(answer);
    posted = true;
    if (answer.status < 300 || answer.status >= 400) return { status: answer.status, body: await answer.text() };
    const next = new URL(answer.headers.get('location')!, url).toString();
    if (next.startsWith(redirectPrefix)) return { location: next, status: answer.status };
    url = next;
  }
  throw new Error(`too many redirects from ${authUrl}`);
}
