import { stringifyEntityRef } from '@backstage/catalog-model';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  DatasetEntityV1alpha1,
  datasetRescanPermission,
} from '@kaml-d/plugin-kaml-d-common';
import { useState } from 'react';
import { kamlDApiRef } from '../../api';
import { GatedButton, useBasicPermission } from '../shared/permissionGate';

/**
 * Asks discovery to read the dataset's folder again now (and the catalog to refresh the
 * entity), for files copied into the store a moment ago. Needs `kaml-d.dataset.rescan`.
 */
export function DatasetRescanButton(props: { entity: DatasetEntityV1alpha1 }) {
  const api = useApi(kamlDApiRef);
  const alerts = useApi(alertApiRef);
  const gate = useBasicPermission(datasetRescanPermission, 'rescan datasets');
  const [busy, setBusy] = useState(false);
  const rescan = async () => {
    setBusy(true);
    try {
      const answer = await api.rescanDatasets(stringifyEntityRef(props.entity));
      alerts.post({
        message: `Rescan asked for: ${answer.location} is read again, the page shows what it finds within seconds.`,
        severity: 'success',
        display: 'transient',
      });
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
      {busy ? 'Rescanning…' : 'Rescan'}
    </GatedButton>
  );
}
