import {
  EmptyState,
  InfoCard,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import Chip from '@material-ui/core/Chip';
import FormControl from '@material-ui/core/FormControl';
import Grid from '@material-ui/core/Grid';
import InputLabel from '@material-ui/core/InputLabel';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { CatalogError, CatalogLoading } from '../shared/AsyncStates';
import { formatBytes } from '../shared/relations';
import {
  DatasetFilters,
  DatasetRow,
  datasetRows,
  distinct,
  filterRows,
  projectCounts,
} from './datasetRows';

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  filter: { minWidth: theme.spacing(20) },
  tags: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) },
  muted: { color: theme.palette.text.secondary },
}));

function formatModified(iso: string): string {
  const time = new Date(iso).toLocaleString('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  });
  return `${time} UTC`;
}

function useColumns(): TableColumn<DatasetRow>[] {
  const classes = useStyles();
  return useMemo(
    () => [
      {
        title: 'Name',
        field: 'title',
        highlight: true,
        render: row => (
          <EntityRefLink entityRef={row.entityRef} hideIcon>
            {row.title}
          </EntityRefLink>
        ),
      },
      {
        title: 'Modified',
        field: 'modified',
        render: row =>
          row.modified ? (
            formatModified(row.modified)
          ) : (
            <span className={classes.muted}>Unknown</span>
          ),
        customSort: (a, b) => (a.modified ?? '').localeCompare(b.modified ?? ''),
      },
      { title: 'Summary', field: 'summary' },
      {
        title: 'Tags',
        field: 'tags',
        sorting: false,
        render: row => (
          <span className={classes.tags}>
            {row.tags.map(tag => (
              <Chip key={tag} size="small" label={tag} />
            ))}
          </span>
        ),
      },
      {
        title: 'Size',
        field: 'bytes',
        type: 'numeric',
        render: row =>
          row.bytes === undefined ? (
            <span className={classes.muted}>Unknown</span>
          ) : (
            formatBytes(row.bytes)
          ),
        customSort: (a, b) => (a.bytes ?? -1) - (b.bytes ?? -1),
      },
    ],
    [classes],
  );
}

function FilterSelect(props: {
  label: string;
  value?: string;
  options: string[];
  onChange: (value?: string) => void;
}) {
  const classes = useStyles();
  const id = `kaml-d-filter-${props.label.toLowerCase()}`;
  return (
    <FormControl className={classes.filter} size="small" variant="outlined">
      <InputLabel id={id}>{props.label}</InputLabel>
      <Select
        labelId={id}
        label={props.label}
        value={props.value ?? ''}
        onChange={event => props.onChange(String(event.target.value) || undefined)}
      >
        <MenuItem value="">
          <em>Any</em>
        </MenuItem>
        {props.options.map(option => (
          <MenuItem key={option} value={option}>
            {option}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/** The projects (Systems) with datasets; picking one filters the table. */
function ProjectsList(props: {
  rows: DatasetRow[];
  selected?: string;
  onSelect: (project?: string) => void;
}) {
  const projects = projectCounts(props.rows);
  return (
    <InfoCard title="Projects" noPadding>
      <List dense component="nav" aria-label="Projects">
        <ListItem
          button
          selected={!props.selected}
          onClick={() => props.onSelect(undefined)}
        >
          <ListItemText primary="All projects" secondary={`${props.rows.length} datasets`} />
        </ListItem>
        {projects.map(({ project, count }) => (
          <ListItem
            key={project}
            button
            selected={props.selected === project}
            onClick={() => props.onSelect(project)}
          >
            <ListItemText
              primary={project}
              secondary={`${count} ${count === 1 ? 'dataset' : 'datasets'}`}
            />
          </ListItem>
        ))}
      </List>
    </InfoCard>
  );
}

/**
 * The Workbench's datasets: a table of the catalog's Dataset entities (Name, Modified, Summary,
 * Tags, Size) with filters, beside the list of projects. `reloadKey` reads the catalog again.
 */
export function DatasetsPanel(props: { reloadKey?: number }) {
  const classes = useStyles();
  const catalogApi = useApi(catalogApiRef);
  const columns = useColumns();
  const [filters, setFilters] = useState<DatasetFilters>({});
  const { value, loading, error } = useAsync(
    async () =>
      datasetRows(
        (await catalogApi.getEntities({ filter: { kind: 'Dataset' } })).items,
      ),
    [catalogApi, props.reloadKey],
  );

  if (loading && !value) {
    return (
      <Grid item xs={12}>
        <CatalogLoading />
      </Grid>
    );
  }
  if (error) {
    return (
      <Grid item xs={12}>
        <CatalogError error={error} what="the datasets" />
      </Grid>
    );
  }
  const rows = value ?? [];
  if (rows.length === 0) {
    return (
      <Grid item xs={12}>
        <EmptyState
          missing="data"
          title="No datasets yet"
          description="Upload files with the Upload dataset button, or add a Dataset entity file to the catalog. Right after the portal starts, the catalog may still be reading its files: reload in a minute."
        />
      </Grid>
    );
  }
  const shown = filterRows(rows, filters);
  const set = (patch: DatasetFilters) => setFilters({ ...filters, ...patch });
  return (
    <>
      <Grid item xs={12} md={3}>
        <ProjectsList
          rows={rows}
          selected={filters.project}
          onSelect={project => set({ project })}
        />
      </Grid>
      <Grid item xs={12} md={9}>
        <div className={classes.filters} role="group" aria-label="Filters">
          <FilterSelect
            label="Tag"
            value={filters.tag}
            options={distinct(rows, r => r.tags)}
            onChange={tag => set({ tag })}
          />
          <FilterSelect
            label="Format"
            value={filters.format}
            options={distinct(rows, r => [r.format])}
            onChange={format => set({ format })}
          />
          <FilterSelect
            label="Owner"
            value={filters.owner}
            options={distinct(rows, r => [r.owner])}
            onChange={owner => set({ owner })}
          />
        </div>
        <Table<DatasetRow>
          title={`Datasets (${shown.length} of ${rows.length})`}
          subtitle={filters.project ? `Project: ${filters.project}` : undefined}
          options={{ paging: false, search: false, padding: 'dense' }}
          columns={columns}
          data={shown}
          emptyContent={
            <Typography className={classes.muted} align="center">
              No dataset matches these filters.
            </Typography>
          }
        />
      </Grid>
    </>
  );
}
