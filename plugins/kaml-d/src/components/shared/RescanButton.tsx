import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { datasetRescanPermission } from '@kaml-d/plugin-kaml-d-common';
import { useState } from 'react';
import { kamlDApiRef } from '../../api';
import { GatedButton, useBasicPermission } from './permissionGate';

/**
 * Asks discovery to look at the store again now, for files copied in a moment ago: the folder
 * of one dataset (`entityRef`, and the catalog refreshes the entity) or, without one, every
 * folder. Needs `kaml-d.dataset.rescan`.
 */
export function RescanButton(props: {
  entityRef?: string;
  /** Called once the rescan was accepted. */
  onRequested?: () => void;
}) {
  const { entityRef, onRequested } = props;
  const api = useApi(kamlDApiRef);
  const alerts = useApi(alertApiRef);
  const gate = useBasicPermission(datasetRescanPermission, 'Rescan datasets');
  const [busy, setBusy] = useState(false);
  const label = entityRef ? 'Rescan' : 'Rescan store';
  const rescan = async () => {
    setBusy(true);
    try {
      const answer = await api.rescanDatasets(entityRef);
      alerts.post({
        message: answer.location
          ? `Rescan asked for: ${answer.location} is read again, the page shows what it finds within seconds.`
          : 'Rescan asked for: every dataset folder is read again; new datasets appear as they are found.',
        severity: 'success',
        display: 'transient',
      });
      onRequested?.();
    } catch (error) {
      alerts.post({
        message: `Could not ask for a rescan: ${(error as Error).message}`,
        severity: 'error',
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <GatedButton
      gate={gate}
      size="small"
      variant="outlined"
      disabled={busy}
      onClick={rescan}
    >
      {busy ? 'Rescanning…' : label}
    </GatedButton>
  );
}
