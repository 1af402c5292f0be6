import { Table, TableColumn } from '@backstage/core-components';
import {
  DatasetColumnType,
  DatasetRowsResponse,
} from '@kaml-d/plugin-kaml-d-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  none: { color: theme.palette.text.secondary, fontStyle: 'italic' },
  type: { color: theme.palette.text.secondary, fontWeight: 'normal' },
}));

/** One value as the engine returned it (JSON). */
type JsonValue = DatasetRowsResponse['rows'][number][number];
type Row = Record<string, JsonValue>;

function CellValue(props: { value: JsonValue }) {
  const classes = useStyles();
  const { value } = props;
  if (value === null) {
    return <span className={classes.none}>null</span>;
  }
  if (typeof value === 'object') {
    return <code>{JSON.stringify(value)}</code>;
  }
  return <>{String(value)}</>;
}

/** Rows of a preview or a query result, one column per engine column with its type. */
export function RowsTable(props: {
  title: string;
  subtitle?: string;
  columns: DatasetColumnType[];
  rows: JsonValue[][];
  emptyText: string;
}) {
  const classes = useStyles();
  const { title, subtitle, columns, rows, emptyText } = props;
  const keys = columns.map((_c, i) => `c${i}`);
  const tableColumns: TableColumn<Row>[] = columns.map((column, i) => ({
    title: (
      <span>
        {column.name}{' '}
        <Typography component="span" variant="caption" className={classes.type}>
          {column.type}
        </Typography>
      </span>
    ),
    field: keys[i],
    sorting: false,
    render: row => <CellValue value={row[keys[i]]} />,
  }));
  const data: Row[] = rows.map(row =>
    Object.fromEntries(keys.map((key, i) => [key, row[i] ?? null])),
  );
  return (
    <Table<Row>
      title={title}
      subtitle={subtitle}
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={tableColumns}
      data={data}
      emptyContent={
        <Typography className={classes.none} align="center">
          {emptyText}
        </Typography>
      }
    />
  );
}
