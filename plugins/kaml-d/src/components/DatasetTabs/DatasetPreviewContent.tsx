import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import { makeStyles } from '@material-ui/core/styles';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { kamlDApiRef } from '../../api';
import { serverMessage } from '../shared/errors';
import { RowsTable } from '../shared/RowsTable';
import { SnapshotSelect, useSnapshotParam } from './SnapshotSelect';
import { useDatasetName } from './useDatasetName';

/** Row counts the preview offers; the largest is the cap (the server caps again). */
export const PREVIEW_LIMITS = [10, 25, 50, 100] as const;

const useStyles = makeStyles(theme => ({
  controls: { marginBottom: theme.spacing(2), minWidth: theme.spacing(16) },
}));

/** The Preview tab of a Dataset: its first rows, as many as picked, now or at a snapshot. */
export function DatasetPreviewContent() {
  const classes = useStyles();
  const api = useApi(kamlDApiRef);
  const dataset = useDatasetName();
  const { namespace, name } = dataset;
  const [limit, setLimit] = useState<number>(PREVIEW_LIMITS[0]);
  const [snapshot] = useSnapshotParam();
  const { value, loading, error } = useAsync(
    () =>
      snapshot
        ? api.getDatasetPreview({ namespace, name }, limit, snapshot)
        : api.getDatasetPreview({ namespace, name }, limit),
    [api, namespace, name, limit, snapshot],
  );

  let body;
  if (loading) {
    body = <Progress aria-label="Reading the first rows" />;
  } else if (error) {
    body = (
      <ResponseErrorPanel
        title={`Could not preview ${dataset.title}: ${serverMessage(error)}`}
        error={error}
      />
    );
  } else if (value) {
    const subtitle = [
      `Read by ${value.engine} in ${value.elapsedMs} ms`,
      value.truncated ? 'more rows exist' : 'all rows shown',
    ].join(' · ');
    body = (
      <RowsTable
        title={`First ${value.rows.length} rows${
          snapshot ? ` at snapshot ${snapshot}` : ''
        }`}
        subtitle={subtitle}
        columns={value.columns}
        rows={value.rows}
        emptyText="The dataset has no rows."
      />
    );
  }

  return (
    <>
      <SnapshotSelect />
      <FormControl className={classes.controls} variant="outlined" size="small">
        <InputLabel id="kaml-d-preview-limit">Rows</InputLabel>
        <Select
          labelId="kaml-d-preview-limit"
          label="Rows"
          value={limit}
          onChange={event => setLimit(Number(event.target.value))}
        >
          {PREVIEW_LIMITS.map(n => (
            <MenuItem key={n} value={n}>
              {n}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      {body}
    </>
  );
}
