import { Progress } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { datasetPreviewPermission } from '@kaml-d/plugin-kaml-d-common';
import { ReactNode } from 'react';
import { useEntityPermission } from '../shared/permissionGate';
import { AccessDenied } from './RequestAccess';

/**
 * Shows a dataset tab that reads the dataset's data (schema, preview, profile) to users holding
 * `kaml-d.dataset.preview` on it; others read why not and may request access.
 */
export function DatasetAccessGate(props: {
  /** What the tab does, for the reason: "Preview", "Profile", … */
  action: string;
  children: ReactNode;
}) {
  const { entity } = useEntity();
  const gate = useEntityPermission(
    datasetPreviewPermission,
    entity,
    props.action,
  );
  if (gate.loading) {
    return <Progress aria-label="Checking your permissions" />;
  }
  if (!gate.allowed) {
    return <AccessDenied gate={gate} entity={entity} />;
  }
  return <>{props.children}</>;
}
