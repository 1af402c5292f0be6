import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { serverMessage } from '../shared/errors';
import { DeploymentLineage } from './DeploymentLineage';
import { MetricsCharts } from './MetricsCharts';
import { ModelVersionsTable } from './ModelVersionsTable';
import { NoticeAlert } from './notice';
import { PromoteAliasDialog } from './PromoteAliasDialog';
import { useModelVersions } from './useModelVersions';
import { VersionComparison } from './VersionComparison';
import { useVersionsStyles } from './versionsStyles';

export { metricPanels } from './modelVersionsFormat';

/** Where each alias points, and why promoting is not possible when the user lacks the right. */
function AliasesPanel(props: {
  aliases: Record<string, number>;
  deniedPromote?: string;
}) {
  const { aliases, deniedPromote } = props;
  const classes = useVersionsStyles();
  return (
    <Paper className={classes.section}>
      <Typography variant="h6">Aliases</Typography>
      {Object.keys(aliases).length === 0 ? (
        <Typography>No aliases yet.</Typography>
      ) : (
        Object.entries(aliases).map(([a, v]) => (
          <Chip
            key={a}
            className={classes.chip}
            label={`${a} → v${v}`}
            color="primary"
          />
        ))
      )}
      {deniedPromote && (
        <Typography variant="caption" role="note" display="block">
          You cannot promote versions: it needs the permission {deniedPromote}.
        </Typography>
      )}
    </Paper>
  );
}

/**
 * The Versions tab of a Model: its registered versions with metrics (table and charts), aliases,
 * the dataset snapshots and run behind each, comparing versions, promoting an alias and the
 * deployment lineage (snapshot → version → serving Deployment).
 */
export function ModelVersionsContent() {
  const {
    entityRef,
    name,
    highlighted,
    versions,
    notice,
    selection,
    promotion,
  } = useModelVersions();

  if (versions.loading && !versions.value) {
    return <Progress aria-label="Loading model versions" />;
  }
  if (versions.error) {
    return (
      <ResponseErrorPanel
        title={`Could not list the versions of ${name}: ${serverMessage(
          versions.error,
        )}`}
        error={versions.error}
      />
    );
  }
  const items = versions.value?.items ?? [];
  if (items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No versions registered"
        description="A version records a trained artifact with its metrics and the dataset snapshots it learnt from. To register one, take a snapshot of each training dataset on its Versions tab, then add the kaml-d:model:register-version step to your training template, or let the training job register it (see Model versions in the KAML-D backend README). Once registered, promote a version with an alias such as production."
      />
    );
  }
  const aliases = versions.value?.aliases ?? {};

  return (
    <>
      <NoticeAlert notice={notice} />
      <AliasesPanel aliases={aliases} deniedPromote={promotion.denied} />
      <ModelVersionsTable
        entityRef={entityRef}
        items={items}
        highlighted={highlighted}
        selected={selection.selected}
        onToggle={selection.toggle}
        onCompare={selection.compare}
        promote={{
          disabled: promotion.disabled,
          denied: promotion.denied,
          onPromote: promotion.open,
        }}
      />
      {selection.comparison && (
        <VersionComparison comparison={selection.comparison} />
      )}
      <MetricsCharts items={items} />
      <DeploymentLineage
        entityRef={entityRef}
        deployments={versions.value?.deployments}
        error={versions.value?.deploymentsError}
      />
      <PromoteAliasDialog
        version={promotion.version}
        aliases={aliases}
        alias={promotion.alias}
        onAliasChange={promotion.setAlias}
        onCancel={promotion.cancel}
        onPromote={promotion.promote}
      />
    </>
  );
}
