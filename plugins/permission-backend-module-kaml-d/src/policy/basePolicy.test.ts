import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { KamlDPermissionPolicy } from './KamlDPermissionPolicy';
import { readBasePolicy } from './basePolicy';

/** The repository's shipped configuration files, as the backend reads them. */
function shipped(file: string) {
  const text = readFileSync(resolve(__dirname, '../../../..', file), 'utf8');
  const data = parse(text) as { kamlD?: { permissions?: object } };
  // only the permission settings: the rest holds ${ENV} references of other services
  return new ConfigReader({
    kamlD: { permissions: data.kamlD?.permissions ?? {} },
  });
}

const permission = (name: string) => createPermission({ name, attributes: {} });

function user(ref: string, groups: string[] = []) {
  return {
    credentials: mockCredentials.user(ref),
    info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
  };
}

const GUEST = user('user:default/guest');
const PLAIN = user('user:default/erin', ['group:default/marketing']);
const SCIENTIST = user('user:default/alice', ['group:default/data-science']);
const ADMIN = user('user:default/dave', ['group:default/admins']);

async function decide(
  policy: KamlDPermissionPolicy,
  name: string,
  who: ReturnType<typeof user>,
) {
  return (await policy.handle({ permission: permission(name) }, who)).result;
}

describe('base policy of non-KAML-D permissions', () => {
  describe('the production configuration (app-config.production.yaml)', () => {
    const policy = new KamlDPermissionPolicy({
      config: shipped('app-config.production.yaml'),
    });

    it('attack: a guest or plain signed-in user cannot create or delete a catalog location', async () => {
      for (const who of [GUEST, PLAIN]) {
        for (const name of [
          'catalog.location.create',
          'catalog.location.delete',
        ]) {
          expect({ name, result: await decide(policy, name, who) }).toEqual({
            name,
            result: AuthorizeResult.DENY,
          });
        }
      }
    });

    it('attack: a plain user cannot delete entities, run templates or use the Kubernetes proxy', async () => {
      for (const name of [
        'catalog.entity.delete',
        'catalog.entity.create',
        'catalog.entity.refresh',
        'catalog.ingestion.manage',
        'catalog.entities.unprocessed.delete',
        'scaffolder.task.create',
        'scaffolder.action.execute',
        'scaffolder.template.management',
        'kubernetes.proxy',
        'some-plugin.thing.write',
      ]) {
        expect({ name, result: await decide(policy, name, PLAIN) }).toEqual({
          name,
          result: AuthorizeResult.DENY,
        });
      }
    });

    it('lets every signed-in user read the catalog, templates and cluster objects', async () => {
      for (const name of [
        'catalog.entity.read',
        'catalog.location.read',
        'scaffolder.template.parameter.read',
        'scaffolder.template.step.read',
        'kubernetes.clusters.read',
        'kubernetes.resources.read',
      ]) {
        expect({ name, result: await decide(policy, name, PLAIN) }).toEqual({
          name,
          result: AuthorizeResult.ALLOW,
        });
      }
    });

    it('lets members of the KAML-D roles run templates and create locations; admins everything', async () => {
      for (const name of [
        'scaffolder.task.create',
        'scaffolder.action.execute',
        'catalog.location.create',
      ]) {
        expect(await decide(policy, name, SCIENTIST)).toBe(
          AuthorizeResult.ALLOW,
        );
      }
      expect(await decide(policy, 'catalog.location.delete', SCIENTIST)).toBe(
        AuthorizeResult.DENY,
      );
      expect(await decide(policy, 'kubernetes.proxy', SCIENTIST)).toBe(
        AuthorizeResult.DENY,
      );
      for (const name of [
        'catalog.location.delete',
        'kubernetes.proxy',
        'some-plugin.thing.write',
      ]) {
        expect(await decide(policy, name, ADMIN)).toBe(AuthorizeResult.ALLOW);
      }
    });
  });

  it('without configuration allows every non-KAML-D permission to signed-in users (the embedded demo)', async () => {
    const policy = new KamlDPermissionPolicy();
    expect(await decide(policy, 'catalog.location.create', PLAIN)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(
      (await policy.handle({ permission: permission('catalog.entity.read') }))
        .result,
    ).toBe(AuthorizeResult.DENY);
  });

  it('the first rule naming a permission decides; prefixes end in *; groups by short name', async () => {
    const policy = new KamlDPermissionPolicy({
      config: new ConfigReader({
        kamlD: {
          permissions: {
            basePolicy: {
              default: 'allow',
              rules: [
                { permissions: ['scaffolder.task.read'], allow: 'signed-in' },
                { permissions: ['scaffolder.*'], groups: ['marketing'] },
                { permissions: ['catalog.location.create'] },
              ],
            },
          },
        },
      }),
    });
    expect(await decide(policy, 'scaffolder.task.read', GUEST)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decide(policy, 'scaffolder.task.create', GUEST)).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide(policy, 'scaffolder.task.create', PLAIN)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decide(policy, 'catalog.location.create', PLAIN)).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide(policy, 'catalog.location.create', ADMIN)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decide(policy, 'catalog.entity.read', GUEST)).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it.each([
    [{ default: 'maybe' }, 'default must be allow or deny'],
    [{ rules: [{ permissions: [] }] }, 'must list permission names'],
    [{ rules: [{ permissions: ['a b'] }] }, 'got "a b"'],
    [
      { rules: [{ permissions: ['x'], allow: 'everyone' }] },
      'allow must be signed-in or admins',
    ],
    [
      { rules: [{ permissions: ['x'], allow: 'signed-in', groups: ['g'] }] },
      'allows every signed-in user; remove its groups and roles',
    ],
    [
      { rules: [{ permissions: ['x'], roles: ['wizard'] }] },
      '"wizard" is not a KAML-D role',
    ],
  ])(
    'refuses basePolicy %j with a sentence saying what to change',
    (basePolicy, message) => {
      expect(() =>
        readBasePolicy(
          new ConfigReader({ kamlD: { permissions: { basePolicy } } }),
        ),
      ).toThrow(message);
    },
  );
});
