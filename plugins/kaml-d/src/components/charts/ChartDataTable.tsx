import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles({
  // read by screen readers, not shown: the figures the chart draws
  hidden: {
    position: 'absolute',
    width: 1,
    height: 1,
    margin: -1,
    padding: 0,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
    border: 0,
  },
});

/**
 * The data of a chart as a table that assistive technology reads and the screen does not show:
 * `caption` names it, `headers` are its columns, `rows` its cells as text.
 */
export function ChartDataTable(props: {
  caption: string;
  headers: string[];
  rows: string[][];
}) {
  const classes = useStyles();
  return (
    <table className={classes.hidden}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          {props.headers.map(h => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row, i) => (
          <tr key={`${i}-${row[0]}`}>
            {row.map((cell, j) => (
              <td key={props.headers[j] ?? j}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
