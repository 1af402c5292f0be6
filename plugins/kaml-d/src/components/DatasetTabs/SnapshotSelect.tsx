import { useApi } from '@backstage/frontend-plugin-api';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import { makeStyles } from '@material-ui/core/styles';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { kamlDApiRef } from '../../api';
import { serverMessage } from '../shared/errors';
import { useDatasetName } from './useDatasetName';

/** The value of the selector meaning "the dataset as it is now". */
const CURRENT = 'current';

const useStyles = makeStyles(theme => ({
  control: {
    marginBottom: theme.spacing(2),
    marginRight: theme.spacing(2),
    minWidth: theme.spacing(40),
  },
}));

/**
 * The snapshot the Schema, Preview and Profile tabs read, from the `snapshot` query parameter
 * (so a link such as `…/preview?snapshot=snap-…` opens the tab at that snapshot); `undefined`
 * for the dataset as it is now. The setter keeps the other query parameters.
 */
export function useSnapshotParam(): [
  string | undefined,
  (snapshot: string | undefined) => void,
] {
  const [params, setParams] = useSearchParams();
  const snapshot = params.get('snapshot') || undefined;
  const setSnapshot = (next: string | undefined) => {
    const updated = new URLSearchParams(params);
    if (next) updated.set('snapshot', next);
    else updated.delete('snapshot');
    setParams(updated, { replace: true });
  };
  return [snapshot, setSnapshot];
}

/**
 * Picks the state of the dataset a tab reads: now, or one of its snapshots (newest first). Shows
 * nothing while the dataset has no snapshot and none is asked for.
 */
export function SnapshotSelect() {
  const classes = useStyles();
  const api = useApi(kamlDApiRef);
  const { namespace, name } = useDatasetName();
  const [snapshot, setSnapshot] = useSnapshotParam();
  const { value, loading, error } = useAsync(
    () => api.listDatasetSnapshots({ namespace, name }),
    [api, namespace, name],
  );
  const items = value?.items ?? [];
  if (!snapshot && !error && (loading || items.length === 0)) return null;
  const known = !snapshot || items.some(s => s.id === snapshot);
  let helper: string | undefined;
  if (error) {
    helper = `Could not list the snapshots: ${serverMessage(error)}`;
  } else if (snapshot && !loading && !known) {
    helper = `No snapshot ${snapshot} in this dataset.`;
  } else if (snapshot) {
    helper = 'Read from the snapshot, not from the files as they are now.';
  }
  return (
    <FormControl
      className={classes.control}
      variant="outlined"
      size="small"
      error={!!error || (!!snapshot && !loading && !known)}
    >
      <InputLabel id="kaml-d-snapshot-select">Snapshot</InputLabel>
      <Select
        labelId="kaml-d-snapshot-select"
        label="Snapshot"
        value={snapshot ?? CURRENT}
        onChange={event => {
          const next = String(event.target.value);
          setSnapshot(next === CURRENT ? undefined : next);
        }}
      >
        <MenuItem value={CURRENT}>Current (as it is now)</MenuItem>
        {snapshot && !known && <MenuItem value={snapshot}>{snapshot}</MenuItem>}
        {items.map(s => (
          <MenuItem key={s.id} value={s.id}>
            {`${new Date(s.createdAt).toLocaleString()} · ${s.message} (${
              s.id
            })`}
          </MenuItem>
        ))}
      </Select>
      {helper && <FormHelperText>{helper}</FormHelperText>}
    </FormControl>
  );
}
