import { Entity } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  DatasetSnapshot,
  DatasetSnapshotDiff,
  ModelVersion,
} from '@kaml-d/plugin-kaml-d-common';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReactElement } from 'react';
import { KamlDApi, kamlDApiRef } from '../../api';
import {
  churnPredictor,
  customerChurn,
  financeTransactions,
  fraudDetector,
} from '../__fixtures__/entities';
import { mockKamlDApi, pending, responseError } from '../__fixtures__/kamlDApi';
import { DatasetVersionsContent } from './DatasetVersionsContent';
import { ModelVersionsContent } from './ModelVersionsContent';
import { deniedPermission, entityTabPath } from './permissions';

jest.setTimeout(30_000);
// dialogs close with a transition and answers settle late on a busy machine
configure({ asyncUtilTimeout: 5_000 });

async function render(
  element: ReactElement,
  kamlD: Partial<KamlDApi>,
  entity: Entity,
  options: { deny?: string[]; route?: string } = {},
) {
  const denied = new Set(options.deny ?? []);
  return renderInTestApp(
    <EntityProvider entity={entity}>{element}</EntityProvider>,
    {
      apis: [
        [kamlDApiRef, mockKamlDApi(kamlD)],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: request =>
              denied.has(request.permission.name)
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          }),
        ],
      ],
      initialRouteEntries: options.route ? [options.route] : undefined,
    },
  );
}

const DATASET = 'dataset:default/finance-transactions';

function snapshot(
  id: string,
  message: string,
  extra: Partial<DatasetSnapshot> = {},
): DatasetSnapshot {
  return {
    id,
    entityRef: DATASET,
    createdAt: '2026-11-26T07:01:02.000Z',
    createdBy: 'user:default/ada',
    message,
    method: 'version-ids',
    adapter: 's3',
    bucket: 'kaml-datasets',
    prefix: 'finance-transactions/',
    objectCount: 3,
    totalBytes: 2048,
    digest:
      'sha256:3f9a1c0b2d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd',
    reason: 'manual',
    ...extra,
  };
}

const older = snapshot('snap-20261126t070102z-aaaaaa', 'before cleaning');
const newer = snapshot('snap-20261126t080102z-bbbbbb', 'after cleaning', {
  createdAt: '2026-11-26T08:01:02.000Z',
  objectCount: 4,
});

const diff: DatasetSnapshotDiff = {
  entityRef: DATASET,
  from: older.id,
  to: newer.id,
  added: [
    { path: '2024/q2.csv', size: 100 },
    { path: '2024/q3.csv', size: 120 },
  ],
  removed: [{ path: 'old.csv', size: 50 }],
  changed: [
    {
      path: '2024/q1.csv',
      before: { path: '2024/q1.csv', size: 10 },
      after: { path: '2024/q1.csv', size: 12 },
    },
  ],
  unchangedCount: 1,
  schema: {
    added: [{ name: 'merchant', type: 'VARCHAR' }],
    removed: [],
    changed: [{ name: 'amount', before: 'BIGINT', after: 'DOUBLE' }],
  },
  rows: { before: 400, after: 520 },
};

function snapshotRow(id: string) {
  const row = screen
    .getByRole('checkbox', { name: `select ${id}` })
    .closest('tr');
  if (!row) throw new Error(`no row for ${id}`);
  return within(row);
}

describe('Dataset Versions tab', () => {
  it('shows the snapshot timeline with message, author, method, objects, size, short digest and trained models', async () => {
    const listDatasetSnapshots = jest.fn(async () => ({
      entityRef: DATASET,
      items: [
        { ...newer, models: [] },
        {
          ...older,
          models: [
            {
              entityRef: 'model:default/fraud-detector',
              version: 2,
              aliases: ['champion'],
            },
          ],
        },
      ],
    }));
    await render(
      <DatasetVersionsContent />,
      { listDatasetSnapshots },
      financeTransactions,
    );
    expect(await screen.findByText('before cleaning')).toBeInTheDocument();
    const row = snapshotRow(older.id);
    expect(row.getByText('ada')).toBeInTheDocument();
    expect(row.getByText('version-ids')).toBeInTheDocument();
    expect(row.getByText('3')).toBeInTheDocument();
    expect(row.getByText('3f9a1c0b2d4e')).toBeInTheDocument();
    const link = await row.findByRole('link', { name: 'fraud-detector v2' });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/model/fraud-detector/versions?version=2',
    );
    expect(snapshotRow(newer.id).getByText('4')).toBeInTheDocument();
    expect(snapshotRow(newer.id).getByText('none')).toBeInTheDocument();
    // one request answers the whole table, models of every row included
    expect(listDatasetSnapshots).toHaveBeenCalledTimes(1);
    expect(listDatasetSnapshots).toHaveBeenCalledWith(
      { namespace: 'default', name: 'finance-transactions' },
      { includeModels: true },
    );
  });

  it('explains an empty timeline', async () => {
    await render(
      <DatasetVersionsContent />,
      { listDatasetSnapshots: async () => ({ entityRef: DATASET, items: [] }) },
      financeTransactions,
    );
    expect(await screen.findByText('No snapshots yet')).toBeInTheDocument();
  });

  it('takes a snapshot with the message typed', async () => {
    const createDatasetSnapshot = jest.fn(async () => newer);
    await render(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [older],
        }),
        createDatasetSnapshot,
      },
      financeTransactions,
    );
    await screen.findByText('before cleaning');
    const take = screen.getByRole('button', { name: 'Take snapshot' });
    expect(take).toBeDisabled();
    await userEvent.type(
      screen.getByLabelText('Snapshot message'),
      'after cleaning',
    );
    await userEvent.click(take);
    expect(createDatasetSnapshot).toHaveBeenCalledWith(
      { namespace: 'default', name: 'finance-transactions' },
      'after cleaning',
    );
    expect(
      await screen.findByText(`Snapshot ${newer.id} taken.`),
    ).toBeInTheDocument();
  });

  it('diffs two selected snapshots oldest first and shows added, removed and changed counts', async () => {
    const diffDatasetSnapshots = jest.fn(async () => diff);
    await render(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [newer, older],
        }),
        diffDatasetSnapshots,
      },
      financeTransactions,
    );
    await screen.findByText('before cleaning');
    await userEvent.click(
      screen.getByRole('checkbox', { name: `select ${newer.id}` }),
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: `select ${older.id}` }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Compare the two selected' }),
    );
    expect(diffDatasetSnapshots).toHaveBeenCalledWith(
      { namespace: 'default', name: 'finance-transactions' },
      older.id,
      newer.id,
    );
    expect(
      await screen.findByText('2 added · 1 removed · 1 changed · 1 unchanged'),
    ).toBeInTheDocument();
    expect(screen.getByText('Rows: 400 → 520 (+120)')).toBeInTheDocument();
    expect(
      screen.getByText('Schema: + merchant VARCHAR · amount: BIGINT → DOUBLE'),
    ).toBeInTheDocument();
    expect(screen.getByText('old.csv')).toBeInTheDocument();
  });

  it('compares one snapshot with the current state', async () => {
    const diffDatasetSnapshots = jest.fn(async () => ({
      ...diff,
      to: 'current',
    }));
    await render(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [newer, older],
        }),
        diffDatasetSnapshots,
      },
      financeTransactions,
    );
    await screen.findByText('before cleaning');
    await userEvent.click(
      screen.getByRole('checkbox', { name: `select ${older.id}` }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Compare with current' }),
    );
    expect(diffDatasetSnapshots).toHaveBeenCalledWith(
      expect.anything(),
      older.id,
      'current',
    );
    expect(
      await screen.findByText(`${older.id} → Current`),
    ).toBeInTheDocument();
  });

  it('restores after confirmation and names the safety snapshot', async () => {
    const safety = snapshot(
      'snap-20261126t090000z-cccccc',
      'before restoring',
      { reason: 'before-restore' },
    );
    const restoreDatasetSnapshot = jest.fn(async () => ({
      entityRef: DATASET,
      restored: older,
      safetySnapshot: safety,
    }));
    await render(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [newer, older],
        }),
        restoreDatasetSnapshot,
      },
      financeTransactions,
    );
    await screen.findByText('before cleaning');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: `Restore ${older.id}` }),
      ).toBeEnabled(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: `Restore ${older.id}` }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText(
        /a safety snapshot of the current state is taken/,
      ),
    ).toBeInTheDocument();
    expect(restoreDatasetSnapshot).not.toHaveBeenCalled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Restore' }),
    );
    expect(restoreDatasetSnapshot).toHaveBeenCalledWith(
      { namespace: 'default', name: 'finance-transactions' },
      older.id,
    );
    expect(
      await screen.findByText(
        `Restored ${older.id}. The state before the restore was saved as snapshot ${safety.id}.`,
      ),
    ).toBeInTheDocument();
  });

  it('disables restoring with the permission name when the server answers 403', async () => {
    const restoreDatasetSnapshot = jest.fn(async () => {
      throw await responseError(
        403,
        'NotAllowedError',
        'Not allowed: needs the permission kaml-d.dataset.snapshot.restore',
      );
    });
    await render(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [newer, older],
        }),
        restoreDatasetSnapshot,
      },
      financeTransactions,
    );
    await screen.findByText('before cleaning');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: `Restore ${older.id}` }),
      ).toBeEnabled(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: `Restore ${older.id}` }),
    );
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Restore',
      }),
    );
    expect(
      await screen.findByText(
        'You cannot restore snapshots: restoring needs the permission kaml-d.dataset.snapshot.restore.',
      ),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: `Restore ${newer.id}` }),
      ).toBeDisabled(),
    );
    expect(
      screen.getByRole('button', { name: `Restore ${older.id}` }).parentElement,
    ).toHaveAttribute(
      'title',
      'Needs permission kaml-d.dataset.snapshot.restore',
    );
  });

  it('previews the first rows of a snapshot through the preview route', async () => {
    const getDatasetPreview = jest.fn(async () => ({
      entityRef: DATASET,
      engine: 'duckdb',
      columns: [{ name: 'amount', type: 'DOUBLE' }],
      rows: [[42.5]],
      limit: 10,
      truncated: false,
      elapsedMs: 3,
    }));
    await render(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [older],
        }),
        getDatasetPreview,
      },
      financeTransactions,
    );
    await screen.findByText('before cleaning');
    await userEvent.click(
      snapshotRow(older.id).getByRole('button', { name: 'Preview' }),
    );
    expect(
      await screen.findByText(`First 1 rows of ${older.id}`),
    ).toBeInTheDocument();
    expect(getDatasetPreview).toHaveBeenCalledWith(
      { namespace: 'default', name: 'finance-transactions' },
      10,
      older.id,
    );
  });
});

describe('Dataset Versions tab states and permissions', () => {
  it('shows progress while the snapshots load', async () => {
    await render(
      <DatasetVersionsContent />,
      { listDatasetSnapshots: () => pending() },
      financeTransactions,
    );
    expect(
      await screen.findByRole('progressbar', { name: 'Loading snapshots' }),
    ).toBeInTheDocument();
  });

  it('names the server error when the snapshots cannot be listed', async () => {
    await render(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => {
          throw await responseError(500, 'Error', 'database is locked');
        },
      },
      financeTransactions,
    );
    expect(
      await screen.findByText(
        /Could not list the snapshots of .*: database is locked/,
      ),
    ).toBeInTheDocument();
  });

  it('disables restore up front, naming the permission, when the user lacks it', async () => {
    const restoreDatasetSnapshot = jest.fn();
    await render(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [older],
        }),
        restoreDatasetSnapshot,
      },
      // an entity no other test asks permissions for: the permission hook caches answers
      customerChurn,
      { deny: ['kaml-d.dataset.snapshot.restore'] },
    );
    await screen.findByText('before cleaning');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: `Restore ${older.id}` }),
      ).toBeDisabled(),
    );
    expect(
      screen.getByText(
        'You cannot restore snapshots: restoring needs the permission kaml-d.dataset.snapshot.restore.',
      ),
    ).toBeInTheDocument();
    // taking snapshots is still possible
    await userEvent.type(screen.getByLabelText('Snapshot message'), 'x');
    expect(screen.getByRole('button', { name: 'Take snapshot' })).toBeEnabled();
    expect(restoreDatasetSnapshot).not.toHaveBeenCalled();
  });

  it('links each snapshot to the Preview, Schema and Profile tabs at that snapshot', async () => {
    await render(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [older],
        }),
      },
      financeTransactions,
    );
    await screen.findByText('before cleaning');
    const row = snapshotRow(older.id);
    expect(
      row.getByRole('link', { name: `preview at ${older.id}` }),
    ).toHaveAttribute(
      'href',
      `/catalog/default/dataset/finance-transactions/preview?snapshot=${older.id}`,
    );
    expect(
      row.getByRole('link', { name: `schema at ${older.id}` }),
    ).toHaveAttribute(
      'href',
      `/catalog/default/dataset/finance-transactions/schema?snapshot=${older.id}`,
    );
  });

  it('highlights and preselects the snapshot named in the address', async () => {
    const diffDatasetSnapshots = jest.fn(async () => ({
      ...diff,
      to: 'current',
    }));
    await render(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [newer, older],
        }),
        diffDatasetSnapshots,
      },
      financeTransactions,
      { route: `/?snapshot=${older.id}` },
    );
    await screen.findByText('before cleaning');
    expect(
      screen.getByRole('checkbox', { name: `select ${older.id}` }),
    ).toBeChecked();
    await userEvent.click(
      screen.getByRole('button', { name: 'Compare with current' }),
    );
    expect(diffDatasetSnapshots).toHaveBeenCalledWith(
      expect.anything(),
      older.id,
      'current',
    );
  });

  it('says why schema and rows were not compared when the data is not a table', async () => {
    await render(
      <DatasetVersionsContent />,
      {
        listDatasetSnapshots: async () => ({
          entityRef: DATASET,
          items: [older],
        }),
        diffDatasetSnapshots: async () => ({
          ...diff,
          to: 'current',
          rows: undefined,
          schema: { added: [], removed: [], changed: [] },
          tableUnreadable: 'no tabular files (images)',
        }),
      },
      financeTransactions,
    );
    await screen.findByText('before cleaning');
    await userEvent.click(
      screen.getByRole('checkbox', { name: `select ${older.id}` }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Compare with current' }),
    );
    expect(
      await screen.findByText(
        'Schema and row counts not compared: no tabular files (images)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('2024/q1.csv')).toBeInTheDocument();
  });
});

const MODEL = 'model:default/fraud-detector';

function version(
  n: number,
  metrics: Record<string, number>,
  aliases: string[] = [],
): ModelVersion {
  return {
    entityRef: MODEL,
    version: n,
    artifactUri: `s3://models/fraud-detector/${n}/model.onnx`,
    metrics,
    parameters: {},
    trainedOn: [{ datasetRef: DATASET, snapshotId: `snap-v${n}` }],
    run: { namespace: 'ml-training', name: `train-fraud-${n}`, kind: 'Job' },
    createdAt: '2026-11-26T07:30:00.000Z',
    createdBy: 'user:default/ada',
    aliases,
  };
}

const modelVersions = {
  entityRef: MODEL,
  items: [
    version(2, { auc: 0.93, f1: 0.81 }, ['champion']),
    version(1, { auc: 0.9 }),
  ],
  aliases: { champion: 2 },
};

describe('Model Versions tab', () => {
  it('shows metrics per version, aliases, the dataset snapshot links and the run', async () => {
    await render(
      <ModelVersionsContent />,
      { listModelVersions: async () => modelVersions },
      fraudDetector,
    );
    expect(await screen.findByText('champion → v2')).toBeInTheDocument();
    const row = within(
      screen.getByRole('checkbox', { name: 'select version 1' }).closest('tr')!,
    );
    expect(row.getByText('0.9000')).toBeInTheDocument();
    expect(row.getByText('—')).toBeInTheDocument(); // no f1
    expect(
      row.getByRole('link', { name: 'Job ml-training/train-fraud-1' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/model/fraud-detector/runs?run=train-fraud-1',
    );
    expect(
      row.getByRole('link', { name: 'finance-transactions @ snap-v1' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataset/finance-transactions/versions?snapshot=snap-v1',
    );
  });

  it('compares the selected versions', async () => {
    const compareModelVersions = jest.fn(async () => ({
      entityRef: MODEL,
      versions: [1, 2],
      metrics: ['auc', 'f1'],
      rows: [
        { version: 1, values: [0.9, null] },
        { version: 2, values: [0.93, 0.81] },
      ],
    }));
    await render(
      <ModelVersionsContent />,
      { listModelVersions: async () => modelVersions, compareModelVersions },
      fraudDetector,
    );
    await screen.findByText('champion → v2');
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'select version 2' }),
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'select version 1' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Compare 2 selected' }),
    );
    expect(compareModelVersions).toHaveBeenCalledWith(
      { namespace: 'default', name: 'fraud-detector' },
      [1, 2],
    );
    const table = within(
      await screen.findByRole('table', { name: 'Compared metrics' }),
    );
    expect(table.getByText('0.8100')).toBeInTheDocument();
    expect(table.getByText('f1')).toBeInTheDocument();
  });

  it('promotes a version to an alias', async () => {
    const promoteModelAlias = jest.fn(async () => undefined);
    await render(
      <ModelVersionsContent />,
      { listModelVersions: async () => modelVersions, promoteModelAlias },
      fraudDetector,
    );
    await screen.findByText('champion → v2');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Promote version 1' }),
      ).toBeEnabled(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Promote version 1' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(dialog.getByText('challenger'));
    await userEvent.click(dialog.getByRole('button', { name: 'Promote' }));
    expect(promoteModelAlias).toHaveBeenCalledWith(
      { namespace: 'default', name: 'fraud-detector' },
      'challenger',
      1,
    );
    expect(
      await screen.findByText('challenger now points at version 1.'),
    ).toBeInTheDocument();
  });

  it('refuses an alias that is not a DNS label', async () => {
    await render(
      <ModelVersionsContent />,
      { listModelVersions: async () => modelVersions },
      fraudDetector,
    );
    await screen.findByText('champion → v2');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Promote version 1' }),
      ).toBeEnabled(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Promote version 1' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    const input = dialog.getByLabelText('Alias');
    await userEvent.clear(input);
    await userEvent.type(input, 'Not OK');
    expect(dialog.getByRole('button', { name: 'Promote' })).toBeDisabled();
  });

  it('explains a model without versions', async () => {
    await render(
      <ModelVersionsContent />,
      {
        listModelVersions: async () => ({
          entityRef: MODEL,
          items: [],
          aliases: {},
        }),
      },
      fraudDetector,
    );
    expect(
      await screen.findByText('No versions registered'),
    ).toBeInTheDocument();
    // how to get one, in words: snapshot the data, then the template step or the docs
    expect(
      screen.getByText(
        /take a snapshot of each training dataset on its Versions tab, then add the kaml-d:model:register-version step to your training template/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/POST \/api/)).not.toBeInTheDocument();
  });
});

describe('Model Versions tab charts, permissions and lineage', () => {
  it('charts each metric across versions, labelled with its latest value', async () => {
    await render(
      <ModelVersionsContent />,
      { listModelVersions: async () => modelVersions },
      fraudDetector,
    );
    const auc = await screen.findByRole('img', {
      name: 'auc by version: latest auc 0.93',
    });
    // one marker per version that recorded the metric, in theme colours
    expect(auc.querySelectorAll('circle')).toHaveLength(2);
    expect(within(auc).getByText('v1')).toBeInTheDocument();
    expect(within(auc).getByText('v2')).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'f1 by version: latest f1 0.81' }),
    ).toBeInTheDocument();
  });

  it('explains a chart without metrics', async () => {
    await render(
      <ModelVersionsContent />,
      {
        listModelVersions: async () => ({
          ...modelVersions,
          items: [version(1, {})],
        }),
      },
      fraudDetector,
    );
    expect(await screen.findByText(/No metrics recorded/)).toBeInTheDocument();
  });

  it('shows progress, then the server error when versions cannot be listed', async () => {
    await render(
      <ModelVersionsContent />,
      { listModelVersions: () => pending() },
      fraudDetector,
    );
    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading model versions',
      }),
    ).toBeInTheDocument();
  });

  it('names the server error when versions cannot be listed', async () => {
    await render(
      <ModelVersionsContent />,
      {
        listModelVersions: async () => {
          throw await responseError(500, 'Error', 'database is locked');
        },
      },
      fraudDetector,
    );
    expect(
      await screen.findByText(
        /Could not list the versions of fraud-detector: database is locked/,
      ),
    ).toBeInTheDocument();
  });

  it('disables promoting up front, naming the permission, when the user lacks it', async () => {
    await render(
      <ModelVersionsContent />,
      { listModelVersions: async () => modelVersions },
      // an entity no other test asks permissions for: the permission hook caches answers
      churnPredictor,
      { deny: ['kaml-d.model.version.promote'] },
    );
    await screen.findByText('champion → v2');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Promote version 1' }),
      ).toBeDisabled(),
    );
    expect(
      screen.getByText(
        'You cannot promote versions: it needs the permission kaml-d.model.version.promote.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Promote version 2' }).parentElement,
    ).toHaveAttribute('title', 'Needs permission kaml-d.model.version.promote');
  });

  it('asks for confirmation before moving an alias that points elsewhere', async () => {
    const promoteModelAlias = jest.fn(async () => undefined);
    await render(
      <ModelVersionsContent />,
      { listModelVersions: async () => modelVersions, promoteModelAlias },
      fraudDetector,
    );
    await screen.findByText('champion → v2');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Promote version 1' }),
      ).toBeEnabled(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Promote version 1' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByText(/it points at version 2 now/)).toBeInTheDocument();
    await userEvent.click(dialog.getByRole('button', { name: 'Cancel' }));
    expect(promoteModelAlias).not.toHaveBeenCalled();
  });

  it('shows which version each deployment serves and the snapshots behind it', async () => {
    const listModelVersions = jest.fn(async () => ({
      ...modelVersions,
      deployments: [
        {
          name: 'fraud-detector',
          namespace: 'kaml-models',
          label: '2',
          track: 'stable',
          desiredReplicas: 2,
          readyReplicas: 2,
          served: {
            version: 2,
            aliases: ['champion'],
            trainedOn: [{ datasetRef: DATASET, snapshotId: 'snap-v2' }],
          },
        },
        {
          name: 'fraud-detector-canary',
          namespace: 'kaml-models',
          label: '1.4.0',
          track: 'canary',
          desiredReplicas: 1,
          readyReplicas: 0,
        },
      ],
    }));
    await render(
      <ModelVersionsContent />,
      { listModelVersions },
      fraudDetector,
    );
    const table = within(
      await screen.findByRole('table', {
        name: 'Deployments and the versions they serve',
      }),
    );
    const stable = within(
      table.getByText('kaml-models/fraud-detector').closest('tr')!,
    );
    expect(stable.getByText('v2 (champion)')).toBeInTheDocument();
    expect(stable.getByText('2/2')).toBeInTheDocument();
    expect(
      stable.getByRole('link', { name: 'finance-transactions @ snap-v2' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataset/finance-transactions/versions?snapshot=snap-v2',
    );
    const canary = within(
      table.getByText('kaml-models/fraud-detector-canary').closest('tr')!,
    );
    expect(
      canary.getByText('1.4.0 (not a registered version)'),
    ).toBeInTheDocument();
    expect(canary.getByText('0/1')).toBeInTheDocument();
    // versions, aliases and deployments come in one answer
    expect(listModelVersions).toHaveBeenCalledTimes(1);
    expect(listModelVersions).toHaveBeenCalledWith(
      { namespace: 'default', name: 'fraud-detector' },
      { includeDeployments: true },
    );
  });

  it('says so when no deployment serves the model, or the cluster cannot be read', async () => {
    const { unmount } = await render(
      <ModelVersionsContent />,
      {
        listModelVersions: async () => ({ ...modelVersions, deployments: [] }),
      },
      fraudDetector,
    );
    expect(
      await screen.findByText(/No serving Deployment of this model/),
    ).toBeInTheDocument();
    unmount();
    await render(
      <ModelVersionsContent />,
      {
        listModelVersions: async () => ({
          ...modelVersions,
          deployments: [],
          deploymentsError: 'connect ECONNREFUSED',
        }),
      },
      fraudDetector,
    );
    expect(
      await screen.findByText(
        'Could not read the deployments from the cluster: connect ECONNREFUSED',
      ),
    ).toBeInTheDocument();
    // the versions are shown beside the cluster's error
    expect(screen.getByText('champion → v2')).toBeInTheDocument();
  });
});

describe('versioning helpers', () => {
  it('reads the permission from a 403 and ignores other errors', async () => {
    expect(
      deniedPermission(
        await responseError(
          403,
          'NotAllowedError',
          'needs kaml-d.model.version.promote',
        ),
      ),
    ).toBe('kaml-d.model.version.promote');
    expect(
      deniedPermission(await responseError(400, 'InputError', 'kaml-d.x')),
    ).toBeUndefined();
    expect(entityTabPath('dataset:team-a/sales', 'versions')).toBe(
      '/catalog/team-a/dataset/sales/versions',
    );
  });
});
