import { EmptyState, InfoCard } from '@backstage/core-components';
import { DatasetMediaFacts } from '@kaml-d/plugin-kaml-d-common';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Field, Fields } from '../shared/Fields';
import {
  describeMedia,
  describeSample,
  formatChannels,
  formatDimensions,
  formatDuration,
  formatSampleRate,
} from '../shared/mediaFacts';
import { formatBytes, formatCount } from '../shared/relations';

function counted(count: number) {
  return `${formatCount(count)} ${count === 1 ? 'file' : 'files'}`;
}

function FilesTable(props: { facts: DatasetMediaFacts }) {
  const { extensions } = props.facts;
  return (
    <Table size="small" aria-label="Files by extension">
      <TableHead>
        <TableRow>
          <TableCell>Extension</TableCell>
          <TableCell>Kind</TableCell>
          <TableCell align="right">Files</TableCell>
          <TableCell align="right">Size</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {extensions.map(e => (
          <TableRow key={e.extension}>
            <TableCell>
              <code>{e.extension ? `.${e.extension}` : '(none)'}</code>
            </TableCell>
            <TableCell>{e.media ? props.facts.format : 'other'}</TableCell>
            <TableCell align="right">{formatCount(e.count)}</TableCell>
            <TableCell align="right">{formatBytes(e.bytes)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Values seen in the sample, each with how many sampled files have it. */
function Distribution(props: {
  items: Array<{ label: string; count: number }>;
}) {
  if (props.items.length === 0) return null;
  return (
    <>
      {props.items.map(item => (
        <div key={item.label}>
          {item.label} — {counted(item.count)}
        </div>
      ))}
    </>
  );
}

function MeasuredFields(props: { facts: DatasetMediaFacts }) {
  const { facts } = props;
  const none = 'No sampled file could be read';
  if (facts.format === 'images') {
    return (
      <Field label="Dimensions" emptyText={none} gridSizes={{ sm: 12 }}>
        {facts.dimensions?.length ? (
          <Distribution
            items={facts.dimensions.map(d => ({
              label: formatDimensions(d),
              count: d.count,
            }))}
          />
        ) : undefined}
      </Field>
    );
  }
  const duration = facts.durationSeconds;
  return (
    <>
      <Field label="Duration" emptyText={none}>
        {duration
          ? `${formatDuration(duration.min)} to ${formatDuration(
              duration.max,
            )}, mean ${formatDuration(duration.mean)}`
          : undefined}
      </Field>
      <Field label="Sample rate" emptyText={none}>
        {facts.sampleRates?.length ? (
          <Distribution
            items={facts.sampleRates.map(r => ({
              label: formatSampleRate(r.hz),
              count: r.count,
            }))}
          />
        ) : undefined}
      </Field>
      <Field label="Channels" emptyText={none}>
        {facts.channels?.length ? (
          <Distribution
            items={facts.channels.map(c => ({
              label: formatChannels(c.channels),
              count: c.count,
            }))}
          />
        ) : undefined}
      </Field>
    </>
  );
}

/**
 * The Schema tab of an `images` or `audio` Dataset, which has no columns: its files by
 * extension, and the image dimensions or audio properties measured on a sample of them.
 */
export function DatasetMediaContent(props: {
  format: string;
  facts?: DatasetMediaFacts;
}) {
  const { facts, format } = props;
  if (!facts) {
    return (
      <EmptyState
        missing="data"
        title="Files not measured yet"
        description={`This ${format} dataset is a set of files, not a table, so it has no columns. Its files, their sizes and ${
          format === 'audio' ? 'durations' : 'dimensions'
        } appear here once discovery or the catalog has measured them; press Rescan on the Overview tab to measure them now.`}
      />
    );
  }
  const sample = describeSample(facts);
  const totalFiles = facts.extensions.reduce((sum, e) => sum + e.count, 0);
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        <InfoCard title={`Files (${counted(totalFiles)})`}>
          <FilesTable facts={facts} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard
          title={facts.format === 'images' ? 'Images' : 'Audio'}
          subheader={describeMedia(facts)}
        >
          <Fields>
            <MeasuredFields facts={facts} />
            <Field label="Smallest file">
              {facts.smallestBytes !== undefined
                ? formatBytes(facts.smallestBytes)
                : undefined}
            </Field>
            <Field label="Largest file">
              {facts.largestBytes !== undefined
                ? formatBytes(facts.largestBytes)
                : undefined}
            </Field>
          </Fields>
          {sample && (
            <Typography variant="body2" color="textSecondary">
              {sample}
            </Typography>
          )}
        </InfoCard>
      </Grid>
    </Grid>
  );
}
