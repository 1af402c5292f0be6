import { ConfigReader } from '@backstage/config';
import { readHelmetOptions } from '@backstage/backend-defaults/rootHttpRouter';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/*
 * The production configuration must not let anyone in without an identity provider, nor let
 * any signed-in user do everything: no guest sign-in, permissions enabled with the KAML-D
 * policy (no allow-all policy module installed).
 */

const root = path.resolve(__dirname, '../../..');

function readYaml(file: string) {
  return parse(fs.readFileSync(path.join(root, file), 'utf8'));
}

/** app-config.yaml overlaid by app-config.production.yaml, as the production start does. */
const production = ConfigReader.fromConfigs([
  { context: 'app-config.yaml', data: readYaml('app-config.yaml') },
  {
    context: 'app-config.production.yaml',
    data: readYaml('app-config.production.yaml'),
  },
]);

function allKeys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [
    `${prefix}${k}`,
    ...allKeys(v, `${prefix}${k}.`),
  ]);
}

describe('production configuration', () => {
  it('attack: the production CSP lets the app connect to its own origin only', () => {
    // the headers the backend sends, computed the way its HTTP router computes them
    const csp = readHelmetOptions(production.getConfig('backend'))
      .contentSecurityPolicy as {
      directives: Record<string, Iterable<string> | null>;
    };
    expect([...(csp.directives['connect-src'] ?? [])]).toEqual(["'self'"]);
    expect([...(csp.directives['default-src'] ?? [])]).toEqual(["'self'"]);
  });

  it('has no guest sign-in provider', () => {
    expect(production.getOptional('auth.providers.guest')).toBeUndefined();
    expect(production.getStringArray('kamlD.signIn.providers')).toEqual([
      'oidc',
    ]);
    expect(
      production.getOptionalConfig('auth.providers.oidc.production'),
    ).toBeDefined();
    expect(production.getString('auth.environment')).toBe('production');
  });

  it('gives the admin role to the admins group only (not the development guest)', () => {
    expect(production.getStringArray('kamlD.permissions.roles.admin')).toEqual([
      'group:default/admins',
    ]);
    const roles = production.getOptionalConfig('kamlD.permissions.roles');
    for (const role of roles?.keys() ?? []) {
      expect(roles!.getStringArray(role)).not.toContain('user:default/guest');
    }
  });

  it('never allows a provider outside development', () => {
    const keys = [
      ...allKeys(readYaml('app-config.yaml')),
      ...allKeys(readYaml('app-config.production.yaml')),
    ];
    expect(
      keys.filter(k => /dangerouslyAllowOutsideDevelopment/i.test(k)),
    ).toEqual([]);
  });

  it('enables permissions with the KAML-D policy, not an allow-all policy', () => {
    expect(production.getOptionalBoolean('permission.enabled')).toBe(true);
    const backend = fs.readFileSync(path.join(__dirname, 'index.ts'), 'utf8');
    expect(backend).not.toMatch(/allow-all-policy/);
    expect(backend).toMatch(
      /backend\.add\(import\('@kaml-d\/plugin-permission-backend-module-kaml-d'\)\)/,
    );
    const manifest = JSON.parse(
      fs.readFileSync(path.join(__dirname, '../package.json'), 'utf8'),
    );
    expect(Object.keys(manifest.dependencies)).not.toContain(
      '@backstage/plugin-permission-backend-module-allow-all-policy',
    );
  });
});
