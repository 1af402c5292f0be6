import {
  Content,
  ContentHeader,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  SupportButton,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  datasetUploadPermission,
  DependencyHealth,
} from '@kaml-d/plugin-kaml-d-common';
import { CatalogProblemsCard } from './CatalogProblemsCard';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import CloudUploadIcon from '@material-ui/icons/CloudUpload';
import { useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { kamlDApiRef } from '../../api';
import { GatedButton, useBasicPermission } from '../shared/permissionGate';
import { RescanButton } from '../shared/RescanButton';
import { DatasetsPanel } from './DatasetsPanel';
import { StorageLine } from './StorageLine';
import { UploadDialog } from './UploadDialog';
import { RegistrationWatcher } from './uploadRegistration';
import { WorkbenchSearch } from './WorkbenchSearch';

const dependencyColumns: TableColumn<DependencyHealth>[] = [
  { title: 'Dependency', field: 'name' },
  { title: 'Kind', field: 'kind' },
  {
    title: 'Status',
    field: 'status',
    render: d =>
      d.status === 'up' ? (
        <StatusOK>up</StatusOK>
      ) : (
        <StatusError>down</StatusError>
      ),
  },
  { title: 'Detail', field: 'message' },
];

/** The platform's state as the backend sees it: each dependency, up or down with a reason. */
export function PlatformStatusCard() {
  const api = useApi(kamlDApiRef);
  const { value, loading, error } = useAsync(() => api.getHealth(), [api]);

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return (
      <ResponseErrorPanel error={error} title="KAML-D backend unreachable" />
    );
  }
  if (!value || value.dependencies.length === 0) {
    return (
      <InfoCard title="Platform status">
        <Typography>The KAML-D backend reports no dependencies.</Typography>
      </InfoCard>
    );
  }
  return (
    <Table<DependencyHealth>
      title={`Platform status: ${
        value.status === 'ok' ? 'all systems up' : 'degraded'
      }`}
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={dependencyColumns}
      data={value.dependencies}
    />
  );
}

/** The Workbench: where data scientists, engineers and SREs start. */
export function WorkbenchPage() {
  const [uploadOpen, setUploadOpen] = useState(false);
  const upload = useBasicPermission(datasetUploadPermission, 'Upload');
  // bumped after an upload and when the catalog registers it: table and storage read again
  const [reloadKey, setReloadKey] = useState(0);
  const reload = useCallback(() => setReloadKey(k => k + 1), []);
  // datasets still awaited by the catalog after the Upload dialog was closed
  const [awaited, setAwaited] = useState<string[]>([]);
  const onAwaitedRegistered = useCallback(
    (ref: string) => {
      setAwaited(refs => refs.filter(r => r !== ref));
      reload();
    },
    [reload],
  );
  return (
    <Content>
      <ContentHeader title="Datasets and platform health">
        <GatedButton
          gate={upload}
          variant="contained"
          color="primary"
          startIcon={<CloudUploadIcon />}
          onClick={() => setUploadOpen(true)}
        >
          Upload dataset
        </GatedButton>
        <RescanButton onRequested={reload} />
        <SupportButton>
          Upload, find and query datasets, and see the health of the platform.
          Models are in the catalog (Kind: Model); the SRE view is Platform
          health in the sidebar.
        </SupportButton>
      </ContentHeader>
      <UploadDialog
        open={uploadOpen}
        onClose={() => setUploadOpen(false)}
        onChanged={reload}
        onClosedWhileWaiting={ref =>
          setAwaited(refs => (refs.includes(ref) ? refs : [...refs, ref]))
        }
      />
      {awaited.map(ref => (
        <RegistrationWatcher
          key={ref}
          entityRef={ref}
          onRegistered={onAwaitedRegistered}
        />
      ))}
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <WorkbenchSearch />
        </Grid>
        <Grid item xs={12}>
          <StorageLine reloadKey={reloadKey} />
        </Grid>
        <DatasetsPanel reloadKey={reloadKey} />
        <Grid item xs={12}>
          <PlatformStatusCard />
        </Grid>
        <Grid item xs={12}>
          <CatalogProblemsCard />
        </Grid>
      </Grid>
    </Content>
  );
}
