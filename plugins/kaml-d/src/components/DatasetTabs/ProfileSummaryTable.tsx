import {
  DatasetColumnSummary,
  DatasetProfileSummaryResponse,
} from '@kaml-d/plugin-kaml-d-common';
import Button from '@material-ui/core/Button';
import InputAdornment from '@material-ui/core/InputAdornment';
import LinearProgress from '@material-ui/core/LinearProgress';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Toolbar from '@material-ui/core/Toolbar';
import Typography from '@material-ui/core/Typography';
import SearchIcon from '@material-ui/icons/Search';
import { makeStyles } from '@material-ui/core/styles';
import { formatCount, formatStat, percent } from './profileFormat';

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    justifyContent: 'space-between',
    paddingLeft: theme.spacing(2),
    paddingRight: theme.spacing(2),
  },
  search: { minWidth: theme.spacing(30) },
  // wide tables scroll sideways instead of wrapping figures mid-digit
  container: { overflowX: 'auto' },
  cell: { whiteSpace: 'nowrap' },
  value: {
    whiteSpace: 'nowrap',
    maxWidth: theme.spacing(24),
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  },
  type: { color: theme.palette.text.secondary, whiteSpace: 'nowrap' },
  column: { textTransform: 'none', whiteSpace: 'nowrap' },
}));

/** The statistics of the table's columns, in order; numeric ones only for numeric columns. */
const STATS: Array<{
  title: string;
  numeric: boolean;
  cell: (c: DatasetColumnSummary) => string;
}> = [
  { title: 'Nulls', numeric: false, cell: c => percent(c.nullShare) },
  {
    title: 'Distinct',
    numeric: false,
    cell: c => formatCount(c.approxDistinct),
  },
  { title: 'Min', numeric: false, cell: c => c.min ?? '–' },
  { title: 'Max', numeric: false, cell: c => c.max ?? '–' },
  { title: 'Mean', numeric: true, cell: c => formatStat(c.mean) },
  { title: 'Std', numeric: true, cell: c => formatStat(c.stddev) },
  { title: 'P25', numeric: true, cell: c => formatStat(c.p25) },
  { title: 'Median', numeric: true, cell: c => formatStat(c.p50) },
  { title: 'P75', numeric: true, cell: c => formatStat(c.p75) },
];

export const PAGE_SIZES = [10, 25, 50, 100];

/**
 * The summary of every column, one page at a time (the backend computes only that page), with
 * a search by column name; a column's name opens its detail.
 */
export function ProfileSummaryTable(props: {
  summary?: DatasetProfileSummaryResponse;
  loading: boolean;
  search: string;
  onSearch: (search: string) => void;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
  onPageSize: (size: number) => void;
  selected?: string;
  onSelect: (column: string) => void;
}) {
  const classes = useStyles();
  const { summary, loading, selected } = props;
  const columns = summary?.columns ?? [];
  const heading = summary
    ? `Columns (${formatCount(summary.totalColumns)})`
    : 'Columns';
  return (
    <Paper>
      <Toolbar className={classes.toolbar}>
        <Typography variant="h6" component="h2" id="kaml-d-profile-summary">
          {heading}
        </Typography>
        <TextField
          id="kaml-d-profile-search"
          className={classes.search}
          size="small"
          variant="outlined"
          label="Search columns"
          value={props.search}
          onChange={event => props.onSearch(event.target.value)}
          InputProps={{
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
          }}
        />
      </Toolbar>
      {loading ? <LinearProgress aria-label="Summarizing the columns" /> : null}
      <TableContainer className={classes.container}>
        <Table size="small" aria-labelledby="kaml-d-profile-summary">
          <TableHead>
            <TableRow>
              <TableCell className={classes.cell}>Column</TableCell>
              <TableCell className={classes.cell}>Type</TableCell>
              {STATS.map(s => (
                <TableCell key={s.title} align="right" className={classes.cell}>
                  {s.title}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {columns.map(c => (
              <TableRow key={c.column} selected={c.column === selected} hover>
                <TableCell component="th" scope="row">
                  <Button
                    size="small"
                    color="primary"
                    className={classes.column}
                    aria-pressed={c.column === selected}
                    onClick={() => props.onSelect(c.column)}
                  >
                    {c.column}
                  </Button>
                </TableCell>
                <TableCell className={classes.type}>{c.type}</TableCell>
                {STATS.map(s => {
                  const text =
                    s.numeric && c.kind !== 'numeric' ? '' : s.cell(c);
                  return (
                    <TableCell
                      key={s.title}
                      align="right"
                      className={classes.value}
                      title={text}
                    >
                      {text}
                    </TableCell>
                  );
                })}
              </TableRow>
            ))}
            {summary && columns.length === 0 ? (
              <TableRow>
                <TableCell colSpan={2 + STATS.length}>
                  <Typography color="textSecondary">
                    No column name contains “{summary.search ?? props.search}”.
                  </Typography>
                </TableCell>
              </TableRow>
            ) : null}
          </TableBody>
        </Table>
      </TableContainer>
      <TablePagination
        component="div"
        count={summary?.matchingColumns ?? 0}
        page={props.page}
        rowsPerPage={props.pageSize}
        rowsPerPageOptions={PAGE_SIZES}
        labelRowsPerPage="Columns per page"
        onPageChange={(_event, page) => props.onPage(page)}
        onRowsPerPageChange={event =>
          props.onPageSize(Number(event.target.value))
        }
      />
    </Paper>
  );
}
