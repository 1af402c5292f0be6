import { DatasetMediaFacts } from '@kaml-d/plugin-kaml-d-common';
import Typography from '@material-ui/core/Typography';
import { describeMedia, describeSample } from './mediaFacts';

/** Whether a dataset format holds media files that get media facts. */
export function isMediaFormat(format: string): format is 'images' | 'audio' {
  return format === 'images' || format === 'audio';
}

/**
 * The media facts in one line (`36 PNG files · 96×96 px`), and where dimensions or durations
 * come from when only a sample of the files was read.
 */
export function MediaSummary(props: { facts: DatasetMediaFacts }) {
  const { facts } = props;
  const sample = describeSample(facts);
  return (
    <>
      {describeMedia(facts)}
      {sample && (
        <Typography variant="caption" color="textSecondary" component="p">
          {sample}
        </Typography>
      )}
    </>
  );
}
