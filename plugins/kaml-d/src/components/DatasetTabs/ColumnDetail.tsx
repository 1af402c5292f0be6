import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { DatasetProfileResponse } from '@kaml-d/plugin-kaml-d-common';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { DatasetName, kamlDApiRef } from '../../api';
import { serverMessage } from '../shared/errors';
import { Field, Fields } from '../shared/Fields';
import { Histogram, numericBars, timeBars } from './Histogram';
import { formatCount, formatStat, percent } from './profileFormat';

const UNIT_WORDS: Record<string, string> = {
  year: 'year',
  month: 'month',
  day: 'day',
  hour: 'hour',
  minute: 'minute',
  second: 'second',
};

/** The spread of a column: a histogram of numbers, rows per time bucket of dates. */
function Distribution(props: { profile: DatasetProfileResponse }) {
  const { profile } = props;
  if (profile.histogram && profile.histogram.length > 0) {
    return (
      <InfoCard title="Distribution">
        <Histogram
          title={`Histogram of ${profile.column}`}
          bars={numericBars(profile.histogram)}
          xLabel={profile.column}
        />
      </InfoCard>
    );
  }
  if (profile.timeHistogram && profile.timeHistogram.bins.length > 0) {
    const unit = UNIT_WORDS[profile.timeHistogram.unit];
    return (
      <InfoCard title="Rows over time">
        <Histogram
          title={`Rows of ${profile.column} per ${unit}`}
          bars={timeBars(profile.timeHistogram)}
          xLabel={`${profile.column} (${unit})`}
        />
      </InfoCard>
    );
  }
  return null;
}

/** The figures of one column's profile: summary, spread, and top values where categorical. */
export function ColumnProfile(props: { profile: DatasetProfileResponse }) {
  const { profile } = props;
  const numeric = profile.kind === 'numeric';
  // older backends computed top values for every column and said nothing of categories
  const categorical = profile.categorical ?? profile.topValues.length > 0;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={categorical ? 6 : 12}>
        <InfoCard title={`${profile.column} (${profile.type})`}>
          <Fields>
            <Field label="Rows">{formatCount(profile.rows)}</Field>
            <Field label="Null share">
              {`${percent(profile.nullShare)} (${formatCount(
                profile.nulls,
              )} nulls)`}
            </Field>
            <Field label="Distinct values">
              {formatCount(profile.approxDistinct)}
            </Field>
            <Field label="Min" emptyText="No values">
              {profile.min ?? undefined}
            </Field>
            <Field label="Max" emptyText="No values">
              {profile.max ?? undefined}
            </Field>
            {numeric ? (
              <>
                <Field label="Mean">{formatStat(profile.mean)}</Field>
                <Field label="Standard deviation">
                  {formatStat(profile.stddev)}
                </Field>
                <Field label="25th percentile">{formatStat(profile.p25)}</Field>
                <Field label="Median">{formatStat(profile.p50)}</Field>
                <Field label="75th percentile">{formatStat(profile.p75)}</Field>
              </>
            ) : null}
          </Fields>
        </InfoCard>
      </Grid>
      {categorical ? (
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
      ) : null}
      <Grid item xs={12}>
        <Distribution profile={profile} />
      </Grid>
    </Grid>
  );
}

/** Fetches and shows the profile of `column` (now or at `snapshot`). */
export function ColumnDetail(props: {
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
