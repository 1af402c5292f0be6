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
import { screen, within } from '@testing-library/react';
import { ReactElement } from 'react';
import { KamlDApi, kamlDApiRef } from '../../api';
import { mockKamlDApi } from '../__fixtures__/kamlDApi';

/**
 * A Versions tab part on the page of `entity` in the test app: the KAML-D API answering as given,
 * every permission allowed except those named in `deny`, at `route` when given.
 */
export async function renderVersionsTab(
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

export const DATASET = 'dataset:default/finance-transactions';

/** A snapshot of the finance-transactions dataset. */
export function snapshot(
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

export const older = snapshot(
  'snap-20261126t070102z-aaaaaa',
  'before cleaning',
);
export const newer = snapshot(
  'snap-20261126t080102z-bbbbbb',
  'after cleaning',
  {
    createdAt: '2026-11-26T08:01:02.000Z',
    objectCount: 4,
  },
);

/** What changed from `older` to `newer`. */
export const diff: DatasetSnapshotDiff = {
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

/** Queries within the timeline row of snapshot `id`. */
export function snapshotRow(id: string) {
  const row = screen
    .getByRole('checkbox', { name: `select ${id}` })
    .closest('tr');
  if (!row) throw new Error(`no row for ${id}`);
  return within(row);
}

export const MODEL = 'model:default/fraud-detector';

/** Version `n` of the fraud-detector model, trained on snapshot `snap-v<n>` by run `train-fraud-<n>`. */
export function version(
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

/** Two versions of fraud-detector, v2 the champion. */
export const modelVersions = {
  entityRef: MODEL,
  items: [
    version(2, { auc: 0.93, f1: 0.81 }, ['champion']),
    version(1, { auc: 0.9 }),
  ],
  aliases: { champion: 2 },
};
