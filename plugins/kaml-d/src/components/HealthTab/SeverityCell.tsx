import { StatusError, StatusWarning } from '@backstage/core-components';
import TableCell from '@material-ui/core/TableCell';

/** Severities that make an entity's status red (as the backend's headline decides). */
const CRITICAL = ['critical', 'page', 'error'];

/** A firing alert's severity: a red icon for critical ones, amber for the rest. */
export function SeverityCell(props: { severity?: string }) {
  const { severity } = props;
  if (!severity) return <TableCell>—</TableCell>;
  const critical = CRITICAL.includes(severity.toLocaleLowerCase('en-US'));
  return (
    <TableCell>
      {critical ? <StatusError /> : <StatusWarning />}
      {severity}
    </TableCell>
  );
}
