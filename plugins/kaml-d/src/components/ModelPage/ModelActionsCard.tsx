import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  modelDeployPermission,
  modelTrainPermission,
} from '@kaml-d/plugin-kaml-d-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useNavigate } from 'react-router-dom';
import { GatedButton, useEntityPermission } from '../shared/permissionGate';

/** Where the scaffolder serves templates (the app's `/create` page). */
const TEMPLATES_PATH = '/create/templates/default';

/** The form of a KAML-D template, opened with the model already picked. */
export function templatePath(template: string, modelRef: string): string {
  const formData = encodeURIComponent(JSON.stringify({ model: modelRef }));
  return `${TEMPLATES_PATH}/${encodeURIComponent(
    template,
  )}?formData=${formData}`;
}

/**
 * Train and Deploy for a Model: the KAML-D templates with the model filled in, for users holding
 * `kaml-d.model.train` / `kaml-d.model.deploy` on it; disabled with the reason for the others.
 */
export function ModelActionsCard() {
  const { entity } = useEntity();
  const navigate = useNavigate();
  const modelRef = stringifyEntityRef(entity);
  const train = useEntityPermission(modelTrainPermission, entity, 'Train');
  const deploy = useEntityPermission(modelDeployPermission, entity, 'Deploy');
  const reasons = [train.reason, deploy.reason].filter(Boolean);
  return (
    <InfoCard title="Train and deploy">
      <Box display="flex" gridGap={8} marginBottom={reasons.length ? 2 : 0}>
        <GatedButton
          gate={train}
          variant="contained"
          color="primary"
          onClick={() => navigate(templatePath('train-model', modelRef))}
        >
          Train
        </GatedButton>
        <GatedButton
          gate={deploy}
          variant="outlined"
          color="primary"
          onClick={() => navigate(templatePath('deploy-model', modelRef))}
        >
          Deploy
        </GatedButton>
      </Box>
      {reasons.map(reason => (
        <Typography key={reason} variant="body2" color="textSecondary">
          {reason}
        </Typography>
      ))}
    </InfoCard>
  );
}
