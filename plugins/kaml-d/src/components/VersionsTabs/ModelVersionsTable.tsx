import { Link } from '@backstage/core-components';
import { ModelVersion } from '@kaml-d/plugin-kaml-d-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Chip from '@material-ui/core/Chip';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { formatMetric, metricNamesOf, shortRef } from './modelVersionsFormat';
import { entityTabPath } from './permissions';
import { TrainedOnLinks } from './TrainedOnLinks';
import { OpenInNotebookButton } from '../Notebooks';
import { parseEntityRef } from '@backstage/catalog-model';
import { useVersionsStyles } from './versionsStyles';

/** How the Promote button of each row behaves. */
export interface PromoteButtonState {
  disabled: boolean;
  /** The permission the user lacks to promote, when known. */
  denied?: string;
  onPromote: (version: ModelVersion) => void;
}

/** The run that trained a version, linking to the model's Runs tab. */
function RunLink(props: { entityRef: string; version: ModelVersion }) {
  const { run } = props.version;
  if (!run) return <>—</>;
  return (
    <Link
      to={`${entityTabPath(props.entityRef, 'runs')}?run=${encodeURIComponent(
        run.name,
      )}`}
      title="Open the model's Runs tab"
    >
      {`${run.kind ?? 'Job'} ${run.namespace}/${run.name}`}
    </Link>
  );
}

/** One row of the versions table. */
function VersionRow(props: {
  entityRef: string;
  version: ModelVersion;
  metricNames: string[];
  highlighted: boolean;
  selected: boolean;
  onToggle: (version: number) => void;
  promote: PromoteButtonState;
}) {
  const { entityRef, version: v, metricNames, promote } = props;
  const classes = useVersionsStyles();
  return (
    <TableRow className={props.highlighted ? classes.selected : undefined}>
      <TableCell padding="checkbox">
        <Checkbox
          checked={props.selected}
          onChange={() => props.onToggle(v.version)}
          inputProps={{ 'aria-label': `select version ${v.version}` }}
        />
      </TableCell>
      <TableCell>
        v{v.version}{' '}
        {v.aliases.map(a => (
          <Chip key={a} size="small" label={a} className={classes.chip} />
        ))}
        {v.description && (
          <Typography variant="caption" display="block">
            {v.description}
          </Typography>
        )}
      </TableCell>
      {metricNames.map(m => (
        <TableCell key={m} align="right">
          {formatMetric(v.metrics[m])}
        </TableCell>
      ))}
      <TableCell>
        <TrainedOnLinks trainedOn={v.trainedOn} />
      </TableCell>
      <TableCell>
        <RunLink entityRef={entityRef} version={v} />
      </TableCell>
      <TableCell>
        {new Date(v.createdAt).toLocaleString()} by {shortRef(v.createdBy)}
      </TableCell>
      <TableCell>
        <span
          title={
            promote.denied ? `Needs permission ${promote.denied}` : undefined
          }
        >
          <Button
            size="small"
            disabled={promote.disabled}
            onClick={() => promote.onPromote(v)}
            aria-label={`Promote version ${v.version}`}
          >
            Promote to alias
          </Button>
        </span>
        {v.trainedOn.length > 0 && (
          <OpenInNotebookButton
            variant="text"
            target={{
              kind: 'model-version',
              namespace: parseEntityRef(entityRef).namespace,
              name: parseEntityRef(entityRef).name,
              version: v.version,
            }}
          />
        )}
      </TableCell>
    </TableRow>
  );
}

/**
 * The registered versions with a column per metric, the snapshots and run behind each, a
 * checkbox to select versions for comparing and a button to promote one to an alias.
 */
export function ModelVersionsTable(props: {
  entityRef: string;
  items: ModelVersion[];
  /** The version named in the address, highlighted. */
  highlighted: number;
  selected: number[];
  onToggle: (version: number) => void;
  onCompare: () => void;
  promote: PromoteButtonState;
}) {
  const { items, selected } = props;
  const classes = useVersionsStyles();
  const metricNames = metricNamesOf(items);
  return (
    <Paper className={classes.section}>
      <Box display="flex" justifyContent="space-between" alignItems="center">
        <Typography variant="h6">Versions</Typography>
        <Button
          variant="outlined"
          disabled={selected.length < 2}
          onClick={props.onCompare}
        >
          Compare {selected.length} selected
        </Button>
      </Box>
      <Table size="small" aria-label="Model versions">
        <TableHead>
          <TableRow>
            <TableCell padding="checkbox">Compare</TableCell>
            <TableCell>Version</TableCell>
            {metricNames.map(m => (
              <TableCell key={m} align="right">
                {m}
              </TableCell>
            ))}
            <TableCell>Trained on</TableCell>
            <TableCell>Run</TableCell>
            <TableCell>Registered</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map(v => (
            <VersionRow
              key={v.version}
              entityRef={props.entityRef}
              version={v}
              metricNames={metricNames}
              highlighted={v.version === props.highlighted}
              selected={selected.includes(v.version)}
              onToggle={props.onToggle}
              promote={props.promote}
            />
          ))}
        </TableBody>
      </Table>
    </Paper>
  );
}
