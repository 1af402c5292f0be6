import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  datasetPreviewPermission,
  datasetSnapshotRestorePermission,
  modelTrainPermission,
  datasetUploadPermission,
} from '@kaml-d/plugin-kaml-d-common';
import { KamlDPermissionPolicy } from './KamlDPermissionPolicy';
import { readProjectRoles } from './roles';
import {
  asUser,
  dataset,
  outcome,
} from '../__testUtils__/policy';

describe('KamlDPermissionPolicy: project roles', () => {
  const policy = new KamlDPermissionPolicy({
    config: new ConfigReader({
      kamlD: {
        permissions: {
          projectRoles: [
            {
              role: 'data-scientist',
              groups: ['fraud-analysts'],
              projects: ['Fraud-Detection'],
            },
          ],
        },
      },
    }),
  });
  const zoe = {
    credentials: mockCredentials.user('user:default/zoe'),
    info: {
      userEntityRef: 'user:default/zoe',
      ownershipEntityRefs: ['user:default/zoe', 'group:default/fraud-analysts'],
    },
  };
  const other = 'group:default/other-team';
  const inSystem = dataset('tx', other, false, { system: 'fraud-detection' });
  const inSystemRef = dataset('tx2', other, false, {
    system: 'system:default/fraud-detection',
  });
  const annotated = dataset('tx3', other, false, {
    system: 'marketing',
    project: 'fraud-detection',
  });
  const piiInProject = dataset('cards', other, true, {
    system: 'fraud-detection',
  });
  const elsewhere = dataset('leads', other, false, { system: 'marketing' });
  const noProject = dataset('misc', other, false);

  it('grants the role on entities of the projects only', async () => {
    const preview = await policy.handle(
      { permission: datasetPreviewPermission },
      zoe,
    );
    expect(outcome(preview, inSystem)).toBe(true);
    expect(outcome(preview, inSystemRef)).toBe(true);
    expect(outcome(preview, annotated)).toBe(true);
    expect(outcome(preview, elsewhere)).toBe(false);
    expect(outcome(preview, noProject)).toBe(false);
    // pii stays with owners, even in the project
    expect(outcome(preview, piiInProject)).toBe(false);

    const train = await policy.handle(
      { permission: modelTrainPermission },
      zoe,
    );
    expect(outcome(train, inSystem)).toBe(true);
    expect(outcome(train, elsewhere)).toBe(false);
  });

  it('grants nothing the role does not have, nor permissions without an entity', async () => {
    const restore = await policy.handle(
      { permission: datasetSnapshotRestorePermission },
      zoe,
    );
    expect(outcome(restore, inSystem)).toBe(false);
    await expect(
      policy.handle({ permission: datasetUploadPermission }, zoe),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('names IS_IN_PROJECT with the configured projects', async () => {
    const decision = await policy.handle(
      { permission: modelTrainPermission },
      zoe,
    );
    expect(decision).toMatchObject({
      pluginId: 'kaml-d',
      conditions: {
        anyOf: [
          { rule: 'IS_ENTITY_OWNER' },
          {
            rule: 'IS_IN_PROJECT',
            resourceType: 'catalog-entity',
            params: { projects: ['fraud-detection'] },
          },
        ],
      },
    });
  });

  it('leaves users outside the groups unchanged', async () => {
    const preview = await policy.handle(
      { permission: datasetPreviewPermission },
      asUser('nobody'),
    );
    expect(outcome(preview, inSystem)).toBe(false);
  });

  it.each([
    [{ role: 'admin', groups: ['x'], projects: ['p'] }, /cannot be limited/],
    [
      { role: 'superuser', groups: ['x'], projects: ['p'] },
      /cannot be limited/,
    ],
    [{ role: 'sre', groups: [], projects: ['p'] }, /at least one group/],
    [{ role: 'sre', groups: ['x'], projects: [] }, /at least one group/],
  ])('rejects the project role %j', (entry, message) => {
    expect(() =>
      readProjectRoles(
        new ConfigReader({
          kamlD: { permissions: { projectRoles: [entry] } },
        }),
      ),
    ).toThrow(message);
  });
});
