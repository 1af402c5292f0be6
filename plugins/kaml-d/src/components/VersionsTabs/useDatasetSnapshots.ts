import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  DatasetSnapshot,
  DatasetSnapshotDiff,
  datasetSnapshotRestorePermission,
} from '@kaml-d/plugin-kaml-d-common';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kamlDApiRef } from '../../api';
import { useDatasetName } from '../DatasetTabs/useDatasetName';
import { serverMessage } from '../shared/errors';
import { Notice } from './notice';
import { deniedPermission } from './permissions';

/** How often the timeline is read again while a volume snapshot is pending. */
export const PENDING_POLL_MS = 2000;

/** Which action a 403 refused, and the permission the server named. */
export type SnapshotDenied = Partial<Record<'snapshot' | 'restore', string>>;

/**
 * The state and actions of the Dataset Versions tab: the snapshot timeline (with the model
 * versions trained on each), the message of the next snapshot, the snapshots selected for
 * comparing and their diff, the snapshot being restored or previewed, what the user may not do
 * and the notice of the last action.
 */
export function useDatasetSnapshots() {
  const api = useApi(kamlDApiRef);
  const dataset = useDatasetName();
  const { namespace, name } = dataset;
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const restorePermission = usePermission({
    permission: datasetSnapshotRestorePermission,
    resourceRef: entityRef,
  });
  const [searchParams] = useSearchParams();
  const highlighted = searchParams.get('snapshot') ?? undefined;

  // one answer for the whole timeline, with the model versions trained on each snapshot
  const snapshots = useAsyncRetry(
    () =>
      api.listDatasetSnapshots({ namespace, name }, { includeModels: true }),
    [api, namespace, name],
  );
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>();
  const [refused, setRefused] = useState<SnapshotDenied>({});
  const denied: SnapshotDenied = {
    ...refused,
    restore:
      refused.restore ??
      (!restorePermission.loading && !restorePermission.allowed
        ? datasetSnapshotRestorePermission.name
        : undefined),
  };
  const [selected, setSelected] = useState<string[]>(
    highlighted ? [highlighted] : [],
  );
  const [diff, setDiff] = useState<DatasetSnapshotDiff>();
  const [confirm, setConfirm] = useState<DatasetSnapshot>();
  const [preview, setPreview] = useState<string>();

  // while a volume snapshot is pending, the list is read again every few seconds
  const [waitingFor, setWaitingFor] = useState<string>();
  const items = snapshots.value?.items;
  const pending = items?.some(s => s.state === 'pending') ?? false;
  useEffect(() => {
    if (!pending || snapshots.loading) return undefined;
    const timer = setTimeout(snapshots.retry, PENDING_POLL_MS);
    return () => clearTimeout(timer);
  }, [pending, snapshots.loading, snapshots.retry, items]);
  useEffect(() => {
    const settled = items?.find(s => s.id === waitingFor);
    if (!settled || settled.state === 'pending') return;
    setWaitingFor(undefined);
    setNotice(
      settled.state === 'failed'
        ? {
            severity: 'error',
            text: `Snapshot ${settled.id} failed: ${
              settled.volume?.error ?? 'see the audit log'
            }`,
          }
        : {
            severity: 'success',
            text: `Snapshot ${settled.id} taken: its VolumeSnapshot is ready to use.`,
          },
    );
  }, [items, waitingFor]);

  const fail = (action: keyof SnapshotDenied, what: string, error: Error) => {
    const permission = deniedPermission(error);
    if (permission) setRefused(d => ({ ...d, [action]: permission }));
    setNotice({ severity: 'error', text: `${what}: ${serverMessage(error)}` });
  };

  const takeSnapshot = async () => {
    setBusy(true);
    setNotice(undefined);
    try {
      const snapshot = await api.createDatasetSnapshot(
        { namespace, name },
        message.trim(),
      );
      setMessage('');
      if (snapshot.state === 'pending') {
        // a volume snapshot: accepted; the list is polled until it is ready (or failed)
        setWaitingFor(snapshot.id);
        setNotice({
          severity: 'info',
          text: `Snapshot ${snapshot.id} is being taken: waiting until its VolumeSnapshot is ready to use…`,
        });
      } else {
        setNotice({
          severity: 'success',
          text: `Snapshot ${snapshot.id} taken.`,
        });
      }
      snapshots.retry();
    } catch (e) {
      fail('snapshot', 'Could not take a snapshot', e as Error);
    } finally {
      setBusy(false);
    }
  };

  const compare = async () => {
    if (!snapshots.value) return;
    // oldest first: the list is newest first
    const order = snapshots.value.items.map(s => s.id);
    const [a, b] = [...selected].sort(
      (x, y) => order.indexOf(y) - order.indexOf(x),
    );
    setBusy(true);
    setNotice(undefined);
    try {
      setDiff(
        await api.diffDatasetSnapshots({ namespace, name }, a, b ?? 'current'),
      );
    } catch (e) {
      setNotice({
        severity: 'error',
        text: `Could not compare: ${serverMessage(e as Error)}`,
      });
    } finally {
      setBusy(false);
    }
  };

  const restore = async (snapshot: DatasetSnapshot, claimName?: string) => {
    setConfirm(undefined);
    setBusy(true);
    setNotice(undefined);
    try {
      const answer = claimName
        ? await api.restoreDatasetSnapshot(
            { namespace, name },
            snapshot.id,
            undefined,
            claimName,
          )
        : await api.restoreDatasetSnapshot({ namespace, name }, snapshot.id);
      const claim = answer.restoredClaim;
      setNotice({
        severity: 'success',
        text: claim
          ? `Restored ${answer.restored.id} as the new claim ${claim.namespace}/${claim.name} (${claim.phase}): train on ${claim.location}. The dataset's own claim is unchanged.`
          : `Restored ${answer.restored.id}. The state before the restore was saved as snapshot ${answer.safetySnapshot?.id}.`,
      });
      setDiff(undefined);
      snapshots.retry();
    } catch (e) {
      fail('restore', `Could not restore ${snapshot.id}`, e as Error);
    } finally {
      setBusy(false);
    }
  };

  // at most two selected: a third replaces the older of the two
  const toggle = (id: string) =>
    setSelected(s =>
      s.includes(id) ? s.filter(x => x !== id) : [...s, id].slice(-2),
    );

  return {
    entityRef,
    datasetTitle: dataset.title,
    highlighted,
    snapshots,
    notice,
    busy,
    denied,
    restoreDisabled: busy || restorePermission.loading || !!denied.restore,
    draft: { message, setMessage, takeSnapshot },
    selection: { selected, toggle, compare, diff },
    restoring: {
      snapshot: confirm,
      ask: setConfirm,
      cancel: () => setConfirm(undefined),
      restore,
    },
    preview: { snapshotId: preview, show: setPreview },
  };
}
