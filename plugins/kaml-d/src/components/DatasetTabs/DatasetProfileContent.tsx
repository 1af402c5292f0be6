import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { DatasetProfileResponse } from '@kaml-d/plugin-kaml-d-common';
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
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { DatasetName, kamlDApiRef } from '../../api';
import { formatCount } from '../shared/relations';
import { serverMessage } from '../shared/errors';
import { Field, Fields } from '../shared/Fields';
import { Histogram } from './Histogram';
import { SnapshotSelect, useSnapshotParam } from './SnapshotSelect';
import { useDatasetName } from './useDatasetName';

const useStyles = makeStyles(theme => ({
  picker: { marginBottom: theme.spacing(2), minWidth: theme.spacing(32) },
}));

function percent(share: number): string {
  return `${(share * 100).toLocaleString('en-US', {
    maximumFractionDigits: 1,
  })}%`;
}

/** The figures of one column's profile. */
export function ColumnProfile(props: { profile: DatasetProfileResponse }) {
  const { profile } = props;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        <InfoCard title={`${profile.column} (${profile.type})`}>
          <Fields>
            <Field label="Rows">{formatCount(profile.rows)}</Field>
            <Field label="Null share">
              {`${percent(profile.nullShare)} (${formatCount(
                profile.nulls,
              )} nulls)`}
            </Field>
            <Field label="Distinct values (approx.)">
              {formatCount(profile.approxDistinct)}
            </Field>
            <Field label="Min" emptyText="No values">
              {profile.min ?? undefined}
            </Field>
            <Field label="Max" emptyText="No values">
              {profile.max ?? undefined}
            </Field>
          </Fields>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Top values">
          {profile.topValues.length === 0 ? (
            <Typography color="textSecondary">
              The column has no values.
            </Typography>
          ) : (
            <List dense aria-label={`Top values of ${profile.column}`}>
              {profile.topValues.map(top => (
                <ListItem key={top.value} disableGutters>
                  <ListItemText
                    primary={top.value}
                    secondary={`${formatCount(top.count)} rows`}
                  />
                </ListItem>
              ))}
            </List>
          )}
        </InfoCard>
      </Grid>
      {profile.histogram && profile.histogram.length > 0 ? (
        <Grid item xs={12}>
          <InfoCard title="Distribution">
            <Histogram column={profile.column} bars={profile.histogram} />
          </InfoCard>
        </Grid>
      ) : null}
    </Grid>
  );
}

function ProfileOf(props: {
  dataset: DatasetName;
  column: string;
  snapshot?: string;
}) {
  const api = useApi(kamlDApiRef);
  const { namespace, name } = props.dataset;
  const { column, snapshot } = props;
  const { value, loading, error } = useAsync(
    () =>
      snapshot
        ? api.getDatasetProfile({ namespace, name }, column, snapshot)
        : api.getDatasetProfile({ namespace, name }, column),
    [api, namespace, name, column, snapshot],
  );
  if (loading) {
    return <Progress aria-label={`Profiling ${column}`} />;
  }
  if (error) {
    return (
      <ResponseErrorPanel
        title={`Could not profile ${column}: ${serverMessage(error)}`}
        error={error}
      />
    );
  }
  return value ? <ColumnProfile profile={value} /> : null;
}

/** The Profile tab of a Dataset: pick a column, see its nulls, distinct values and spread. */
export function DatasetProfileContent() {
  const classes = useStyles();
  const api = useApi(kamlDApiRef);
  const dataset = useDatasetName();
  const { namespace, name } = dataset;
  const [picked, setPicked] = useState<string | undefined>();
  const [snapshot] = useSnapshotParam();
  const schema = useAsync(
    () =>
      snapshot
        ? api.getDatasetSchema({ namespace, name }, snapshot)
        : api.getDatasetSchema({ namespace, name }),
    [api, namespace, name, snapshot],
  );

  if (schema.loading) {
    return <Progress aria-label="Reading the columns" />;
  }
  if (schema.error) {
    return (
      <>
        <SnapshotSelect />
        <ResponseErrorPanel
          title={`Could not read the columns of ${
            dataset.title
          }: ${serverMessage(schema.error)}`}
          error={schema.error}
        />
      </>
    );
  }
  const columns = schema.value?.columns ?? [];
  if (columns.length === 0) {
    return (
      <>
        <SnapshotSelect />
        <EmptyState
          missing="data"
          title="No columns to profile"
          description="The query engine found no columns in this dataset. Profiles need tabular files (CSV, Parquet, JSON lines)."
        />
      </>
    );
  }
  const column =
    picked && columns.some(c => c.name === picked) ? picked : columns[0].name;
  return (
    <>
      <SnapshotSelect />
      <FormControl className={classes.picker} variant="outlined" size="small">
        <InputLabel id="kaml-d-profile-column">Column</InputLabel>
        <Select
          labelId="kaml-d-profile-column"
          label="Column"
          value={column}
          onChange={event => setPicked(String(event.target.value))}
        >
          {columns.map(c => (
            <MenuItem key={c.name} value={c.name}>
              {c.name}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <ProfileOf
        dataset={{ namespace, name }}
        column={column}
        snapshot={snapshot}
      />
    </>
  );
}
