import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import IconButton from '@material-ui/core/IconButton';
import LinearProgress from '@material-ui/core/LinearProgress';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ChevronLeft from '@material-ui/icons/ChevronLeft';
import ChevronRight from '@material-ui/icons/ChevronRight';
import { formatBytes } from '../shared/relations';
import { formatCount } from './DatasetFilters';
import {
  DatasetPage,
  DatasetSort,
  DatasetView,
  PAGE_SIZE,
} from './datasetQuery';
import { DatasetRow } from './datasetRows';

const useStyles = makeStyles(theme => ({
  paper: { padding: theme.spacing(2) },
  header: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'baseline',
    flexWrap: 'wrap',
  },
  tags: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) },
  muted: { color: theme.palette.text.secondary },
  pager: {
    display: 'flex',
    justifyContent: 'flex-end',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1),
  },
  progress: { minHeight: 4 },
}));

function formatModified(iso: string): string {
  const time = new Date(iso).toLocaleString('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  });
  return `${time} UTC`;
}

function Unknown() {
  const classes = useStyles();
  return <span className={classes.muted}>Unknown</span>;
}

function SortHeader(props: {
  sort: DatasetSort;
  label: string;
  view: DatasetView;
  onSort: (sort: DatasetSort, order: 'asc' | 'desc') => void;
}) {
  const { sort, label, view } = props;
  const active = view.sort === sort;
  return (
    <TableCell sortDirection={active ? view.order : false}>
      <TableSortLabel
        active={active}
        direction={active ? view.order : 'asc'}
        onClick={() =>
          props.onSort(sort, active && view.order === 'asc' ? 'desc' : 'asc')
        }
      >
        {label}
      </TableSortLabel>
    </TableCell>
  );
}

function Row(props: { row: DatasetRow }) {
  const classes = useStyles();
  const { row } = props;
  return (
    <TableRow>
      <TableCell>
        <EntityRefLink entityRef={row.entityRef} hideIcon>
          {row.title}
        </EntityRefLink>
      </TableCell>
      <TableCell>
        {row.modified ? formatModified(row.modified) : <Unknown />}
      </TableCell>
      <TableCell>{row.summary}</TableCell>
      <TableCell>
        <span className={classes.tags}>
          {row.tags.map(tag => (
            <Chip key={tag} size="small" label={tag} />
          ))}
        </span>
      </TableCell>
      <TableCell align="right">
        {row.bytes === undefined ? <Unknown /> : formatBytes(row.bytes)}
      </TableCell>
    </TableRow>
  );
}

/**
 * One page of the datasets table: Name and Modified sort on the server (datasets without a
 * modified time come last), the pager moves through pages of {@link PAGE_SIZE}.
 */
export function DatasetsTable(props: {
  view: DatasetView;
  page: DatasetPage;
  /** All datasets, when the facets are known. */
  allDatasets?: number;
  refreshing: boolean;
  onView: (patch: Partial<DatasetView>) => void;
}) {
  const classes = useStyles();
  const { view, page } = props;
  const first = (view.page - 1) * PAGE_SIZE;
  const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE));
  const onSort = (sort: DatasetSort, order: 'asc' | 'desc') =>
    props.onView({ sort, order, page: 1 });
  const of =
    props.allDatasets === undefined
      ? formatCount(page.total)
      : `${formatCount(page.total)} of ${formatCount(props.allDatasets)}`;
  return (
    <Paper className={classes.paper}>
      <div className={classes.header}>
        <Typography variant="h6">{`Datasets (${of})`}</Typography>
        {view.project && (
          <Typography className={classes.muted}>
            Project: {view.project}
          </Typography>
        )}
      </div>
      <div className={classes.progress}>
        {props.refreshing && (
          <LinearProgress aria-label="Reading the datasets" />
        )}
      </div>
      <Table size="small" aria-label="Datasets">
        <TableHead>
          <TableRow>
            <SortHeader sort="name" label="Name" view={view} onSort={onSort} />
            <SortHeader
              sort="modified"
              label="Modified"
              view={view}
              onSort={onSort}
            />
            <TableCell>Summary</TableCell>
            <TableCell>Tags</TableCell>
            <TableCell align="right">Size</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {page.rows.map(row => (
            <Row key={row.entityRef} row={row} />
          ))}
        </TableBody>
      </Table>
      {page.rows.length === 0 && (
        <Box p={2}>
          <Typography className={classes.muted} align="center">
            {page.total > 0
              ? `Page ${view.page} is past the last page (${pages}).`
              : 'No dataset matches these filters.'}
          </Typography>
        </Box>
      )}
      <div className={classes.pager}>
        <Typography variant="body2" className={classes.muted}>
          {page.rows.length === 0
            ? `${formatCount(page.total)} datasets`
            : `${formatCount(first + 1)}–${formatCount(
                first + page.rows.length,
              )} of ${formatCount(page.total)}`}
        </Typography>
        <IconButton
          size="small"
          aria-label="Previous page"
          disabled={view.page <= 1}
          onClick={() =>
            props.onView({ page: Math.max(1, Math.min(view.page - 1, pages)) })
          }
        >
          <ChevronLeft />
        </IconButton>
        <IconButton
          size="small"
          aria-label="Next page"
          disabled={view.page >= pages}
          onClick={() => props.onView({ page: view.page + 1 })}
        >
          <ChevronRight />
        </IconButton>
      </div>
    </Paper>
  );
}
