import { expect, test } from '@playwright/test';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { backstageToken, signInAs } from './helpers.ts';
import { rigBackendUrl } from '../playwright.rig.config.ts';

/**
 * Datasets on volumes in full mode (#22 §3): a PersistentVolumeClaim labelled
 * kaml-d.io/dataset on the rig cluster (bound by the rig's CSI stand-in) is discovered by the
 * portal's catalog as a Dataset at pvc://rig/<namespace>/<claim>, owned by data-engineering as
 * its annotation says. bob, a data engineer of that group, opens its Versions tab, takes a
 * snapshot (answered as pending, then ready once the VolumeSnapshot is ready to use: the tab
 * polls) and restores it into a new claim he names; on the cluster that claim's dataSource is the
 * VolumeSnapshot. The claims and snapshots the test made are deleted afterwards.
 */

const NS = 'kaml-d-training';
const GROUP = 'snapshot.storage.k8s.io';
const suffix = randomBytes(3).toString('hex');
const dataset = `vol-e2e-${suffix}`;
const claim = `vol-e2e-${suffix}-data`;
const restored = `vol-e2e-${suffix}-restored`;

function kube() {
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.KAML_RIG_KUBECONFIG_ADMIN!);
  return {
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
}

test.beforeAll(async () => {
  const { core } = kube();
  await core.createNamespacedPersistentVolumeClaim({
    namespace: NS,
    body: {
      metadata: {
        name: claim,
        labels: {
          'kaml-d.io/dataset': dataset,
          'kaml-d.io/rig-test': 'volumes-e2e',
        },
        annotations: {
          'kaml-d.io/title': `Sensor volume ${suffix}`,
          'kaml-d.io/owner': 'group:default/data-engineering',
        },
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: process.env.KAML_RIG_STORAGE_CLASS,
        resources: { requests: { storage: '1Gi' } },
      },
    },
  });
});

test.afterAll(async () => {
  const { core, custom } = kube();
  const list = (await custom
    .listNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: NS,
      plural: 'volumesnapshots',
      labelSelector: `kaml-d.io/dataset=${dataset}`,
    })
    .catch(() => ({ items: [] }))) as {
    items: Array<{ metadata: { name: string } }>;
  };
  // the restored claim first: its dataSource is the snapshot
  for (const name of [restored, claim]) {
    await core
      .deleteNamespacedPersistentVolumeClaim({ namespace: NS, name })
      .catch(() => undefined);
  }
  for (const s of list.items) {
    await custom
      .deleteNamespacedCustomObject({
        group: GROUP,
        version: 'v1',
        namespace: NS,
        plural: 'volumesnapshots',
        name: s.metadata.name,
      })
      .catch(() => undefined);
  }
});

test('bob snapshots a discovered volume dataset on its Versions tab and restores it into a new claim', async ({
  browser,
}) => {
  // discovery scans the labelled claims every two minutes (PVC_DISCOVERY_SCHEDULE)
  test.setTimeout(480_000);
  const { core } = kube();
  await expect
    .poll(
      async () =>
        (
          await core.readNamespacedPersistentVolumeClaim({
            namespace: NS,
            name: claim,
          })
        ).status?.phase,
      { timeout: 120_000, intervals: [1_000] },
    )
    .toBe('Bound');

  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, 'bob');
  const token = await backstageToken(page);

  // the catalog's next scan of labelled claims makes it a Dataset with its pvc:// location
  const entityUrl = `${rigBackendUrl}/api/catalog/entities/by-name/dataset/default/${dataset}`;
  await expect
    .poll(
      async () => {
        const res = await page.request.get(entityUrl, {
          headers: { Authorization: `Bearer ${token}` },
        });
        if (res.status() !== 200) return res.status();
        const entity = (await res.json()) as {
          spec: { location: string; owner: string };
        };
        return [entity.spec.location, entity.spec.owner];
      },
      { timeout: 300_000, intervals: [5_000] },
    )
    .toEqual([`pvc://rig/${NS}/${claim}`, 'group:default/data-engineering']);

  await page.goto(`/catalog/default/dataset/${dataset}/versions`);
  await expect(page.getByText('No snapshots yet')).toBeVisible({
    timeout: 60_000,
  });
  await page.getByLabel('Snapshot message').fill('before the recalibration');
  const created = page.waitForResponse(
    r =>
      r.request().method() === 'POST' &&
      /\/api\/kaml-d\/.*\/snapshots$/.test(new URL(r.url()).pathname),
  );
  await page.getByRole('button', { name: 'Take snapshot' }).click();
  const answer = await created;
  const snapshot = (await answer.json()) as { id: string; state: string };
  // accepted as pending (202): the VolumeSnapshot is not ready to use yet
  expect([answer.status(), snapshot.state]).toEqual([202, 'pending']);

  // the tab reads the list again until the VolumeSnapshot is ready to use
  const table = page.getByRole('table', { name: 'Snapshots' });
  const row = table
    .getByRole('row')
    .filter({ hasText: 'before the recalibration' });
  await expect(row).toContainText('volume-snapshot');
  await expect(
    page.getByText(
      `Snapshot ${snapshot.id} taken: its VolumeSnapshot is ready to use.`,
    ),
  ).toBeVisible({ timeout: 120_000 });
  await expect(row).toContainText(`ready · ${NS}/${claim}`);

  // restore into a new claim named in the dialog
  const restore = row.getByRole('button', { name: `Restore ${snapshot.id}` });
  await expect(restore).toBeEnabled();
  await restore.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(`Restore ${snapshot.id}?`);
  await dialog.getByLabel('New claim name').fill(restored);
  await dialog.getByRole('button', { name: 'Restore' }).click();
  await expect(
    page.getByText(
      new RegExp(
        `Restored ${snapshot.id} as the new claim ${NS}/${restored} \\(\\w+\\): train on pvc://rig/${NS}/${restored}\\.`,
      ),
    ),
  ).toBeVisible({ timeout: 120_000 });

  // on the cluster: the new claim is made from the VolumeSnapshot; the dataset's claim stays
  const made = await core.readNamespacedPersistentVolumeClaim({
    namespace: NS,
    name: restored,
  });
  expect(made.spec?.dataSource).toEqual({
    apiGroup: GROUP,
    kind: 'VolumeSnapshot',
    name: snapshot.id,
  });
  const original = await core.readNamespacedPersistentVolumeClaim({
    namespace: NS,
    name: claim,
  });
  expect(original.spec?.dataSource).toBeUndefined();
  await context.close();
});
